package io.pgrealtime.gateway.presence;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.pgrealtime.protocol.RedisKeys;
import io.pgrealtime.testsupport.TestRedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A Lettuce client that reconnects fast (outage tests) and a plain connection for inspection. */
final class RedisFixture implements AutoCloseable {
    /** Short leases so that crash tests take a second or two: 1 s TTL, refresh 333 ms, reaper 200 ms. */
    static final NodeLeaseSettings FAST = NodeLeaseSettings.ofTtl(Duration.ofSeconds(1));

    final TestRedis redis;
    final RedisKeys keys;
    final RedisClient client;
    private final ClientResources resources;
    private final StatefulRedisConnection<String, String> inspect;

    RedisFixture(TestRedis redis) {
        this.redis = redis;
        this.keys = new RedisKeys(redis.keyPrefix());
        this.resources = ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(100))).build();
        this.client = RedisClient.create(resources, redis.uri());
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(5))).build());
        this.inspect = client.connect();
    }

    RedisCommands<String, String> redis() {
        return inspect.sync();
    }

    /** Every key under the test's prefix. */
    List<String> keysUnderPrefix() {
        List<String> out = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis().scan(cursor, ScanArgs.Builder.matches(redis.keyPrefix() + "*").limit(500));
            out.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return out;
    }

    RedisNodeRegistry registry(String nodeId) {
        return new RedisNodeRegistry(client, keys, nodeId, FAST);
    }

    @Override
    public void close() {
        inspect.close();
        client.shutdown();
        resources.shutdown();
    }
}
