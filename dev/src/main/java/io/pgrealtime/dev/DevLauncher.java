package io.pgrealtime.dev;

import io.pgrealtime.gateway.auth.JwtIssuer;
import io.pgrealtime.runtime.ProcessLauncher;
import io.pgrealtime.testsupport.EmbeddedPostgresServer;
import io.pgrealtime.testsupport.EmbeddedRedisServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

/**
 * The whole system on a laptop, in one process: embedded PostgreSQL 17 (wal_level=logical) and
 * Redis, the relay, and a demo table with realtime enabled. Data lives under {@code ./data/}
 * (delete it to start afresh). Not for production: the embedded PostgreSQL runs with fsync off.
 */
public final class DevLauncher {
    private DevLauncher() {
    }

    public static void main(String[] args) throws Exception {
        // The relay's and the gateway's jars each carry a logback.xml; name ours before anything logs,
        // so logback neither warns about duplicates nor prints its status lines.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-dev.xml");
        }
        Path data = Path.of(System.getProperty("realtime.dev.data", "data")).toAbsolutePath();
        Files.createDirectories(data);
        int pgPort = Integer.getInteger("realtime.dev.pg-port", 54329);
        int redisPort = Integer.getInteger("realtime.dev.redis-port", 63799);

        EmbeddedPostgresServer pg = new EmbeddedPostgresServer(data.resolve("postgres"), pgPort);
        EmbeddedRedisServer redis = new EmbeddedRedisServer(data.resolve("redis"), redisPort);
        pg.start();
        redis.start();
        String dbUrl = "postgresql://postgres:postgres@127.0.0.1:" + pgPort + "/postgres";

        int port = Integer.getInteger("realtime.dev.port", 8080);
        String secret = System.getenv().getOrDefault("JWT_SECRET", "dev-secret-change-me-dev-secret-change-me");
        // Relay and gateway in one application context: one port serves /realtime, /health and /prometheus.
        // One shutdown hook (the launcher's) stops the context, then Redis, then PostgreSQL: a single
        // Ctrl-C ends everything.
        ProcessLauncher launcher = ProcessLauncher.of(DevLauncher.class, args, Map.of(
                        "micronaut.application.name", "pgrealtime-dev",
                        "micronaut.server.port", port,
                        "relay.database-url", dbUrl,
                        "relay.redis-url", redis.uri(),
                        "relay.key-prefix", "rt:",
                        "gateway.redis-url", redis.uri(),
                        "gateway.key-prefix", "rt:",
                        "gateway.jwt-secret", secret,
                        // The printed token lasts 30 days for convenience; production keeps the 24 h maximum.
                        "gateway.jwt-max-lifetime", "31d"), java.time.Duration.ofSeconds(20))
                .afterStop(redis::stop)
                .afterStop(pg::stop);
        launcher.start();
        String token = JwtIssuer.hs256(secret).sign(Map.of("sub", "dev-user", "role", "admin",
                "exp", java.time.Instant.now().plus(java.time.Duration.ofDays(30)).getEpochSecond()));

        createDemoTable(pg, pgPort);

        System.out.println();
        System.out.println("pgrealtime dev stack is running (Ctrl-C to stop)");
        System.out.println("  PostgreSQL : " + dbUrl + "   (wal_level=logical)");
        System.out.println("  Redis      : " + redis.uri());
        System.out.println("  WebSocket  : ws://127.0.0.1:" + port + "/realtime?token=<JWT>   (raw JSON protocol)");
        System.out.println("  health     : http://127.0.0.1:" + port + "/health   metrics: /prometheus");
        System.out.println("  JWT (admin, 30 days, secret from JWT_SECRET or the dev default):");
        System.out.println("    " + token);
        System.out.println();
        System.out.println("Watch a change arrive:");
        System.out.println("  1. open http://127.0.0.1:" + port + "/?token=" + token);
        System.out.println("  2. PGPASSWORD=postgres psql -h 127.0.0.1 -p " + pgPort
                + " -U postgres -c \"insert into public.todos(title) values ('hello')\"");
        launcher.awaitStop();
    }

    private static void createDemoTable(EmbeddedPostgresServer pg, int port) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", pg.user());
        p.setProperty("password", pg.password());
        // The relay creates schema realtime at start; wait for it before enabling the demo table.
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), p);
                 Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS public.todos (id bigserial PRIMARY KEY, title text NOT NULL,"
                        + " done boolean NOT NULL DEFAULT false, user_id text, created_at timestamptz NOT NULL DEFAULT now())");
                st.execute("SELECT realtime.enable('public.todos', replica_identity_full => true)");
                return;
            } catch (java.sql.SQLException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }
}
