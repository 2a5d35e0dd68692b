package io.pgrealtime.gateway.broker;

/**
 * Receives what a {@link Broker} delivers to this node. Set once, when the broker is constructed.
 *
 * <p>Threading: the broker calls its handler from one thread at a time (a Lettuce event-loop
 * thread for {@link RedisBroker}, a delivery thread for {@link MemoryBroker}), in delivery order.
 * Methods must not block: hand slow work to another executor. An exception thrown by a method is
 * logged and does not stop later deliveries.
 */
public interface BrokerEventHandler {

    /**
     * A message published on a channel this node is subscribed to (by any node, this one included).
     * Called only while the channel is subscribed: a message that arrives after the last
     * {@link Broker#unsubscribe} is dropped.
     */
    void onMessage(String channel, String payload);

    /** A message addressed to this node with {@link Broker#publishToNode}. */
    default void onNodeMessage(String payload) {
    }

    /**
     * The broker reconnected and subscribed again to every channel it had. Messages published
     * while it was disconnected are lost (Pub/Sub is at-most-once): a caller that keeps derived
     * state (presence lists, for example) should refresh it from its source of truth.
     */
    default void onResubscribed() {
    }
}
