package io.pgrealtime.testsupport;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The run's shared {@link RedisServer} seen through a key prefix of its own, so that test classes
 * never see each other's keys. Pass {@link #keyPrefix()} to the component under test as its
 * {@code rt:} prefix.
 */
public final class TestRedis {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final RedisServer server;
    private final String keyPrefix;

    TestRedis(RedisServer server, String keyPrefix) {
        this.server = server;
        this.keyPrefix = keyPrefix;
    }

    public static TestRedis create(RedisServer server) {
        return new TestRedis(server, "t" + PREFIXES.incrementAndGet() + "-" + ProcessHandle.current().pid() + ":rt:");
    }

    public RedisServer server() {
        return server;
    }

    public String uri() {
        return server.uri();
    }

    /** Key prefix of this test class, ending in {@code rt:}. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** A new Lettuce client for this server; the caller shuts it down. */
    public RedisClient newClient() {
        return RedisClient.create(server.uri());
    }

    /** Deletes every key under this class's prefix (best effort). */
    void deleteKeys() {
        RedisClient client = newClient();
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> cmd = c.sync();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = cmd.scan(cursor, ScanArgs.Builder.matches(keyPrefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    cmd.del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } catch (RuntimeException ignored) {
            // Redis may have been stopped by the test itself.
        } finally {
            client.shutdown();
        }
    }
}
