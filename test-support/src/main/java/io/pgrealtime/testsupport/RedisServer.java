package io.pgrealtime.testsupport;

/**
 * A Redis server for tests and the dev launcher.
 *
 * <p>Implementations: {@link EmbeddedRedisServer} (default), {@link ExternalRedisServer}
 * ({@code REALTIME_TEST_REDIS_URL}), {@link ContainerRedisServer} (Testcontainers).
 */
public interface RedisServer extends AutoCloseable {

    String host();

    int port();

    /** {@code redis://host:port} as understood by Lettuce. */
    default String uri() {
        return "redis://" + host() + ":" + port();
    }

    /** Whether {@link #stop()}, {@link #kill()} and {@link #start()} are supported. */
    boolean canRestart();

    /** Stops the server gracefully (it persists its data first). */
    void stop();

    /** Kills the server hard (SIGKILL); data written with fsync survives. */
    void kill();

    /** Starts the server again on the same port with the same data directory. */
    void start();

    String describe();

    @Override
    void close();
}
