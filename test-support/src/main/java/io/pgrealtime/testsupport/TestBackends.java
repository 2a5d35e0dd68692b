package io.pgrealtime.testsupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL and Redis servers of one test run (one JVM), started on first use and stopped by
 * a shutdown hook. Selection, in order:
 * <ol>
 *   <li>{@code REALTIME_TEST_PG_URL} / {@code REALTIME_TEST_REDIS_URL} (environment or system
 *       property of the same name): existing servers;</li>
 *   <li>system property {@code realtime.test.backend=containers}: Testcontainers, images from
 *       {@code realtime.test.pg.image} (default {@code postgres:17}) and
 *       {@code realtime.test.redis.image} (default {@code redis:7});</li>
 *   <li>otherwise embedded binaries from Maven Central (the default; needs no Docker and no
 *       installed server).</li>
 * </ol>
 * Thread-safe.
 */
public final class TestBackends {
    private static final Logger LOG = LoggerFactory.getLogger(TestBackends.class);
    private static PostgresServer postgres;
    private static RedisServer redis;

    private TestBackends() {
    }

    public static synchronized PostgresServer postgres() {
        if (postgres == null) {
            String url = setting("REALTIME_TEST_PG_URL");
            if (url != null) {
                postgres = new ExternalPostgresServer(url);
            } else if (containers()) {
                postgres = new ContainerPostgresServer(System.getProperty("realtime.test.pg.image", "postgres:17"));
            } else {
                postgres = EmbeddedPostgresServer.temporary();
            }
            postgres.start();
            PostgresServer started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "pg-shutdown"));
            LOG.info("test PostgreSQL: {}", postgres.describe());
        }
        return postgres;
    }

    public static synchronized RedisServer redis() {
        if (redis == null) {
            String url = setting("REALTIME_TEST_REDIS_URL");
            if (url != null) {
                redis = new ExternalRedisServer(url);
            } else if (containers()) {
                redis = new ContainerRedisServer(System.getProperty("realtime.test.redis.image", "redis:7"));
            } else {
                redis = EmbeddedRedisServer.temporary();
            }
            redis.start();
            RedisServer started = redis;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "redis-shutdown"));
            LOG.info("test Redis: {}", redis.describe());
        }
        return redis;
    }

    private static boolean containers() {
        return "containers".equals(System.getProperty("realtime.test.backend"));
    }

    private static String setting(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            v = System.getenv(name);
        }
        return v == null || v.isBlank() ? null : v;
    }
}
