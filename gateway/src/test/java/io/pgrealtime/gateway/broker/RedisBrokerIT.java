package io.pgrealtime.gateway.broker;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.pgrealtime.protocol.RedisKeys;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The broker contract against a real Redis, each node with connections of its own; plus outages. */
@RealtimeIntegrationTest
class RedisBrokerIT extends BrokerContract {
    private final TestRedis redis;
    private final ClientResources resources;
    private final RedisClient client;

    RedisBrokerIT(TestRedis redis) {
        this.redis = redis;
        // Reconnect quickly after the outage test restarts the server.
        this.resources = ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(100))).build();
        this.client = RedisClient.create(resources, redis.uri());
        this.client.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(5))).build());
    }

    @AfterEach
    void shutdown() {
        client.shutdown();
        resources.shutdown();
    }

    @Override
    protected Broker createBroker(String nodeId, BrokerEventHandler handler) {
        return new RedisBroker(client, new RedisKeys(redis.keyPrefix()), nodeId, handler);
    }

    @Test
    void channelsLiveUnderTheKeyPrefix() {
        RecordingBrokerHandler mine = new RecordingBrokerHandler();
        RecordingBrokerHandler other = new RecordingBrokerHandler();
        Broker a = newBroker("node-a", mine);
        Broker foreign = new RedisBroker(client, new RedisKeys(redis.keyPrefix() + "other:"), "node-x", other);
        try {
            done(a.subscribe("c"));
            done(foreign.subscribe("c"));
            assertThat(done(a.publish("c", "mine"))).isEqualTo(1L);
            await().atMost(WAIT).until(() -> mine.received("c", "mine"));
            assertThat(other.messages).isEmpty();
            try (var conn = client.connect()) {
                assertThat(conn.sync().pubsubChannels(redis.keyPrefix() + "*"))
                        .contains(redis.keyPrefix() + "bc:c", redis.keyPrefix() + "direct:node-a");
            }
        } finally {
            foreign.close();
        }
    }

    @Test
    void deliveryResumesAfterRedisRestarts() {
        RecordingBrokerHandler ha = new RecordingBrokerHandler();
        RecordingBrokerHandler hb = new RecordingBrokerHandler();
        Broker a = newBroker("node-a", ha);
        Broker b = newBroker("node-b", hb);
        done(a.subscribe("room"));
        done(b.subscribe("room"));
        done(b.subscribe("other"));
        done(b.unsubscribe("other"));
        done(a.publish("room", "before"));
        await().atMost(WAIT).until(() -> hb.received("room", "before"));

        redis.server().stop();
        redis.server().start();

        await().atMost(WAIT).until(() -> ha.resubscribed.get() >= 1 && hb.resubscribed.get() >= 1);
        // Both subscriptions are back on the server (Lettuce's and ours), and only those we hold.
        assertThat(done(a.publish("room", "after"))).isEqualTo(2L);
        assertThat(done(a.publish("other", "none"))).isZero();
        assertThat(done(b.publishToNode("node-a", "direct-after"))).isEqualTo(1L);
        await().atMost(WAIT).until(() -> hb.received("room", "after") && ha.received("room", "after")
                && ha.nodeMessages.contains("direct-after"));
        assertThat(hb.payloads("room")).containsExactly("before", "after");
    }

    @Test
    void interestChangesWhileRedisIsDownAreAppliedWhenItReturns() {
        RecordingBrokerHandler hb = new RecordingBrokerHandler();
        Broker a = newBroker("node-a", new RecordingBrokerHandler());
        Broker b = newBroker("node-b", hb);
        done(b.subscribe("dropped"));

        redis.server().stop();
        b.subscribe("added");
        b.unsubscribe("dropped");
        redis.server().start();

        await().atMost(WAIT).until(() -> hb.resubscribed.get() >= 1);
        await().atMost(WAIT).until(() -> done(a.publish("added", "x")) == 1L);
        assertThat(done(a.publish("dropped", "y"))).isZero();
        await().atMost(WAIT).until(() -> hb.received("added", "x"));
        assertThat(hb.payloads("dropped")).isEmpty();
    }
}
