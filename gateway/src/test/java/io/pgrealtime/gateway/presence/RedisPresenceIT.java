package io.pgrealtime.gateway.presence;

import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The presence contract against a real Redis, each node with its own registry and connections;
 * plus what only a shared store has: crashed nodes, lapsed leases, Redis restarts.
 */
@RealtimeIntegrationTest
class RedisPresenceIT extends PresenceContract {
    private final RedisFixture fx;
    private final Map<String, RedisNodeRegistry> registries = new HashMap<>();

    RedisPresenceIT(TestRedis redis) {
        this.fx = closeLater(new RedisFixture(redis));
    }

    @Override
    protected PresenceManager newNode(String nodeId, PresenceEventHandler handler) {
        RedisNodeRegistry registry = closeLater(fx.registry(nodeId));
        registries.put(nodeId, registry);
        return closeLater(new RedisPresenceManager(fx.client, fx.keys, registry, handler));
    }

    private void crash(PresenceManager node) {
        ((RedisPresenceManager) node).crash();
        registries.get(node.nodeId()).crash();
    }

    @Test
    void aCrashedNodesMembersLeaveWithinTheLeaseBound() {
        RecordingPresenceHandler hb = new RecordingPresenceHandler();
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        PresenceManager b = newNode("node-b", hb);
        done(a.join("r1", member("a1", "u1", a, "{}")));
        done(a.join("r2", member("a1", "u1", a, "{}")));
        done(a.join("r2", member("a2", "u2", a, "{}")));
        done(b.join("r2", member("b1", "u3", b, "{}")));
        await().atMost(WAIT).until(() -> hb.events.size() == 4);
        assertThat(done(registries.get("node-b").liveNodes())).containsExactlyInAnyOrder("node-a", "node-b");

        long crashedAt = System.nanoTime();
        crash(a);
        // Members stay while the lease runs: nothing is removed early.
        assertThat(done(b.count("r2"))).isEqualTo(3L);
        await().atMost(WAIT).until(() -> hb.saw("leave r1 a1") && hb.saw("leave r2 a1") && hb.saw("leave r2 a2"));
        Duration took = Duration.ofNanos(System.nanoTime() - crashedAt);
        // Bound: lease TTL + reaper interval, plus slack for scheduling and the reaping itself.
        assertThat(took).isLessThan(RedisFixture.FAST.reapBound().plusMillis(700));
        assertThat(done(b.members("r2"))).extracting(PresenceMember::connectionId).containsExactly("b1");
        assertThat(done(b.rooms())).containsExactly(Map.entry("r2", 1L));
        await().atMost(WAIT).until(() -> !fx.redis().smembers(fx.keys.prefix() + "nodes").contains("node-a"));
        assertThat(done(registries.get("node-b").liveNodes())).containsExactly("node-b");
        assertThat(fx.redis().exists(fx.keys.prefix() + "presence-node:node-a", fx.keys.prefix() + "presence-conn:a1")).isZero();
    }

    @Test
    void aNodeWhoseLeaseLapsedWhileAliveRestoresItsMembers() {
        RecordingPresenceHandler hb = new RecordingPresenceHandler();
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        PresenceManager b = newNode("node-b", hb);
        PresenceMember a1 = member("a1", "u1", a, "{\"v\":1}");
        done(a.join("room", a1));
        done(a.update("room", "a1", json("{\"v\":2}")));
        done(a.join("other", member("a2", "u2", a, "{}")));
        done(a.leave("other", "a2"));

        registries.get("node-a").pauseRefresh(true);
        await().atMost(WAIT).until(() -> hb.saw("leave room a1"));
        assertThat(done(b.members("room"))).isEmpty();

        registries.get("node-a").pauseRefresh(false);
        await().atMost(WAIT).until(() -> hb.briefs().stream().filter("join room a1"::equals).count() == 2);
        PresenceMember restored = a1.withState(json("{\"v\":2}"));
        assertThat(hb.last("join room a1").member()).isEqualTo(restored);
        assertThat(done(b.members("room"))).containsExactly(restored);
        assertThat(done(b.members("other"))).isEmpty();
        assertThat(done(registries.get("node-b").liveNodes())).contains("node-a");
        // Restoring is idempotent: the next refreshes announce nothing more.
        done(b.join("marker", member("m", "u", b, "{}")));
        await().atMost(WAIT).until(() -> hb.saw("join marker m"));
        assertThat(hb.briefs().stream().filter(s -> s.endsWith(" a1")).count()).isEqualTo(4);
    }

    @Test
    void afterARedisRestartTheHandlerIsAskedToResyncAndStateSurvives() {
        RecordingPresenceHandler ha = new RecordingPresenceHandler();
        RecordingPresenceHandler hb = new RecordingPresenceHandler();
        PresenceManager a = newNode("node-a", ha);
        PresenceManager b = newNode("node-b", hb);
        PresenceMember a1 = member("a1", "u1", a, "{}");
        done(a.join("room", a1));

        fx.redis.server().stop();
        fx.redis.server().start();

        await().atMost(WAIT).until(() -> ha.resyncs.get() >= 1 && hb.resyncs.get() >= 1);
        assertThat(done(b.members("room"))).containsExactly(a1);
        done(a.join("room", member("a2", "u2", a, "{}")));
        await().atMost(WAIT).until(() -> hb.saw("join room a2"));
        assertThat(done(b.count("room"))).isEqualTo(2L);
    }

    @Test
    void aRestartedProcessWithTheSameNodeIdRemovesWhatItsPredecessorLeft() {
        PresenceManager first = newNode("node-a", new RecordingPresenceHandler());
        done(first.join("room", member("old", "u1", first, "{}")));
        crash(first);

        RecordingPresenceHandler h = new RecordingPresenceHandler();
        PresenceManager again = newNode("node-a", h);
        assertThat(done(again.members("room"))).isEmpty();
        assertThat(done(again.rooms())).isEmpty();
    }

    @Test
    void nodeIdsAreRestrictedToKeySafeCharacters() {
        for (String bad : List.of("", "has space", "quote\"", "back\\slash", "x".repeat(129), "-leading")) {
            assertThatThrownBy(() -> new RedisNodeRegistry(fx.client, fx.keys, bad, RedisFixture.FAST))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(newNode("gateway-7f9c.pod_1:8080@eu", new RecordingPresenceHandler()).nodeId())
                .isEqualTo("gateway-7f9c.pod_1:8080@eu");
    }

    @Test
    void keysLiveUnderThePrefixAndNothingIsLeftAfterEveryNodeCloses() {
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        PresenceManager b = newNode("node-b", new RecordingPresenceHandler());
        done(a.join("room", member("a1", "u1", a, "{}")));
        done(b.join("room", member("b1", "u2", b, "{}")));
        done(a.join("solo", member("a1", "u1", a, "{}")));
        assertThat(fx.keysUnderPrefix()).allMatch(k -> k.startsWith(fx.keys.prefix()))
                .contains(fx.keys.presence("room"), fx.keys.nodeLease("node-a"), fx.keys.prefix() + "presence-rooms");

        done(b.leaveAll("b1"));
        a.close();
        b.close();
        registries.values().forEach(RedisNodeRegistry::close);
        assertThat(fx.keysUnderPrefix()).isEmpty();
        assertThat(List.of(a, b)).allSatisfy(n -> assertThat(n.nodeId()).isNotBlank());
    }
}
