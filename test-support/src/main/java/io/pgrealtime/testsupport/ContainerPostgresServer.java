package io.pgrealtime.testsupport;

import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL in a Docker container via Testcontainers, for running the suite against several
 * major versions ({@code -Drealtime.test.backend=containers -Drealtime.test.pg.image=postgres:14}).
 * Needs a reachable Docker engine. Restart is not offered: a restarted container gets a new host
 * port, which would break the fixed-address contract of {@link PostgresServer#start()}.
 */
public final class ContainerPostgresServer implements PostgresServer {
    private final PostgreSQLContainer container;

    public ContainerPostgresServer(String image) {
        container = new PostgreSQLContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"))
                .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=32",
                        "-c", "max_wal_senders=32", "-c", "max_connections=300", "-c", "fsync=off");
    }

    @Override
    public void start() {
        container.start();
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(5432);
    }

    @Override
    public String user() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    @Override
    public String adminDatabase() {
        return container.getDatabaseName();
    }

    @Override
    public boolean canRestart() {
        return false;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("container backends do not support restart");
    }

    @Override
    public String describe() {
        return "PostgreSQL container " + container.getDockerImageName();
    }

    @Override
    public void close() {
        container.stop();
    }
}
