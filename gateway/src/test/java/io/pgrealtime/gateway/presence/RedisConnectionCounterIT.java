package io.pgrealtime.gateway.presence;

import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The connection counter contract against a real Redis; plus crashed nodes and lapsed leases. */
@RealtimeIntegrationTest
class RedisConnectionCounterIT extends ConnectionCounterContract {
    private final RedisFixture fx;
    private final Map<String, RedisNodeRegistry> registries = new HashMap<>();

    RedisConnectionCounterIT(TestRedis redis) {
        this.fx = closeLater(new RedisFixture(redis));
    }

    @Override
    protected ConnectionCounter newNode(String nodeId) {
        RedisNodeRegistry registry = closeLater(fx.registry(nodeId));
        registries.put(nodeId, registry);
        return closeLater(new RedisConnectionCounter(fx.client, fx.keys, registry));
    }

    @Test
    void aCrashedNodesConnectionsAreReleasedWithinTheLeaseBound() {
        ConnectionCounter a = newNode("node-a");
        ConnectionCounter b = newNode("node-b");
        done(a.tryAcquire("u1", "a1", 2));
        done(a.tryAcquire("u1", "a2", 2));
        done(a.tryAcquire("u2", "a3", 2));
        assertThat(done(b.tryAcquire("u1", "b1", 2))).isFalse();

        long crashedAt = System.nanoTime();
        ((RedisConnectionCounter) a).crash();
        registries.get("node-a").crash();
        await().atMost(Duration.ofSeconds(10)).until(() -> done(b.count("u1")) == 0L && done(b.count("u2")) == 0L);
        assertThat(Duration.ofNanos(System.nanoTime() - crashedAt)).isLessThan(RedisFixture.FAST.reapBound().plusMillis(700));
        assertThat(done(b.tryAcquire("u1", "b1", 2))).isTrue();
        assertThat(fx.redis().exists(fx.keys.prefix() + "conn-node:node-a")).isZero();
    }

    @Test
    void aNodeWhoseLeaseLapsedWhileAliveCountsItsConnectionsAgain() {
        ConnectionCounter a = newNode("node-a");
        ConnectionCounter b = newNode("node-b");
        done(a.tryAcquire("u1", "a1", 2));
        done(a.tryAcquire("u1", "a2", 2));
        done(a.tryAcquire("u1", "gone", 3));
        done(a.release("u1", "gone"));

        registries.get("node-a").pauseRefresh(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> done(b.count("u1")) == 0L);
        registries.get("node-a").pauseRefresh(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> done(b.count("u1")) == 2L);
        assertThat(fx.redis().hgetall(fx.keys.userConnections("u1"))).containsOnlyKeys("a1", "a2");
        assertThat(done(b.tryAcquire("u1", "b1", 2))).isFalse();
    }

    @Test
    void aRestartedProcessWithTheSameNodeIdReleasesWhatItsPredecessorLeft() {
        ConnectionCounter first = newNode("node-a");
        done(first.tryAcquire("u1", "old", 1));
        ((RedisConnectionCounter) first).crash();
        registries.get("node-a").crash();

        ConnectionCounter again = newNode("node-a");
        assertThat(done(again.count("u1"))).isZero();
        assertThat(done(again.tryAcquire("u1", "new", 1))).isTrue();
    }

    @Test
    void nothingIsLeftAfterEveryNodeCloses() {
        ConnectionCounter a = newNode("node-a");
        ConnectionCounter b = newNode("node-b");
        done(a.tryAcquire("u1", "a1", 5));
        done(b.tryAcquire("u1", "b1", 5));
        done(b.tryAcquire("u2", "b2", 5));
        done(b.release("u2", "b2"));
        a.close();
        b.close();
        registries.values().forEach(RedisNodeRegistry::close);
        assertThat(fx.keysUnderPrefix()).isEmpty();
    }
}
