package io.pgrealtime.gateway.broker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The broker contract in one JVM: brokers of a test share one hub. */
class MemoryBrokerTest extends BrokerContract {
    private final MemoryBroker.Hub hub = new MemoryBroker.Hub();

    @Override
    protected Broker createBroker(String nodeId, BrokerEventHandler handler) {
        return new MemoryBroker(hub, nodeId, handler);
    }

    @Test
    void nodeIdsAreUniqueWithinAHub() {
        newBroker("n", new RecordingBrokerHandler());
        assertThatThrownBy(() -> new MemoryBroker(hub, "n", new RecordingBrokerHandler()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deliveryNeverRunsOnThePublishersThread() {
        RecordingBrokerHandler h = new RecordingBrokerHandler();
        Broker b = newBroker("solo", h);
        done(b.subscribe("c"));
        done(b.publish("c", "x"));
        await().atMost(WAIT).until(() -> h.messages.size() == 1);
        assertThat(h.threads).containsExactly("memory-broker-solo");
    }

    @Test
    void aSingleNodeBrokerHasAHubOfItsOwn() {
        RecordingBrokerHandler h = new RecordingBrokerHandler();
        try (MemoryBroker one = new MemoryBroker("n", h); MemoryBroker two = new MemoryBroker("n", new RecordingBrokerHandler())) {
            done(one.subscribe("c"));
            assertThat(done(two.publish("c", "x"))).isZero();
            assertThat(done(one.publish("c", "y"))).isEqualTo(1L);
        }
    }
}
