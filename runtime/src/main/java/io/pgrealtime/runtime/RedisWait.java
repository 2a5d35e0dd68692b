package io.pgrealtime.runtime;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Waits at start for a Redis that is not reachable yet (a pod started before Redis, Redis
 * restarting): retries with exponential backoff (200 ms doubling to 5 s), logs once when it starts
 * waiting and once when Redis answers. Unreachable Redis is transient, not a reason to exit.
 */
public final class RedisWait {
    private static final Logger LOG = LoggerFactory.getLogger(RedisWait.class);

    private RedisWait() {
    }

    /**
     * Returns once {@code PING} succeeds.
     *
     * @param uri     the address
     * @param purpose what the caller needs Redis for, for the log line
     * @throws IllegalStateException if interrupted while waiting (the process is stopping)
     */
    public static void untilReachable(RedisURI uri, String purpose) {
        long backoff = 200;
        long since = System.nanoTime();
        boolean warned = false;
        RedisURI probe = RedisURI.builder(uri).withTimeout(Duration.ofSeconds(2)).build();
        RedisClient client = RedisClient.create(probe);
        client.setOptions(ClientOptions.builder().autoReconnect(false)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build()).build());
        try {
            while (true) {
                try (StatefulRedisConnection<String, String> c = client.connect()) {
                    c.sync().ping();
                    if (warned) {
                        LOG.info("Redis at {}:{} answers after {} ms", uri.getHost(), uri.getPort(), (System.nanoTime() - since) / 1_000_000);
                    }
                    return;
                } catch (RuntimeException e) {
                    if (!warned) {
                        LOG.warn("Redis at {}:{} unreachable ({}); waiting for it ({}), retrying with backoff",
                                uri.getHost(), uri.getPort(), e.getMessage(), purpose);
                        warned = true;
                    }
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Redis", e);
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
