package io.pgrealtime.testsupport;

/**
 * A PostgreSQL server that tests (and the dev launcher) talk to. Always configured with
 * {@code wal_level=logical}, or refused at start.
 *
 * <p>Implementations: {@link EmbeddedPostgresServer} (default), {@link ExternalPostgresServer}
 * ({@code REALTIME_TEST_PG_URL}), {@link ContainerPostgresServer} (Testcontainers). Thread-safe for
 * the lifecycle calls; the fault tests call {@link #stop()}/{@link #start()} from the test thread.
 */
public interface PostgresServer extends AutoCloseable {

    String host();

    int port();

    /** A superuser (or a user with REPLICATION and CREATEDB). */
    String user();

    String password();

    /** JDBC URL of a database on this server. */
    default String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** The database that always exists and is used for administration. */
    default String adminDatabase() {
        return "postgres";
    }

    /** Whether {@link #stop()} and {@link #start()} are supported (false for servers we do not own). */
    boolean canRestart();

    /** Stops the server cleanly, keeping its data directory. */
    void stop();

    /** Starts the server again on the same port with the same data. */
    void start();

    /** Human-readable description for logs: kind, version, address. */
    String describe();

    @Override
    void close();
}
