package io.pgrealtime.gateway.broker;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Messages between gateway nodes: broadcast topics, rooms and (later) direct messages span every
 * node through a broker. Payloads are opaque strings (the caller encodes them once).
 *
 * <p><b>Interest.</b> {@link #subscribe}/{@link #unsubscribe} declare this node's interest in a
 * channel. They are <em>reference-counted by the broker</em>: each {@code subscribe} must be
 * matched by one {@code unsubscribe}; the node receives the channel's messages while the count is
 * above zero. So the caller may simply call {@code subscribe} for every local session that joins
 * a channel and {@code unsubscribe} when it leaves. Extra {@code unsubscribe} calls are ignored.
 *
 * <p><b>Delivery.</b> A message published on a channel is delivered once to the
 * {@link BrokerEventHandler} of every node subscribed to that channel when the message reaches the
 * broker's backbone, this node included. Delivery is <em>at-most-once</em>: a node that is
 * disconnected from the backbone when a message passes (Redis restart, network blip) does not
 * receive it, and no one is told. Callers that need every message (table changes) use Redis
 * Streams instead; for broadcast and presence events this is the accepted trade-off (a client
 * that was connected to that node sees a gap, like a dropped UDP packet).
 *
 * <p><b>Order.</b> Messages of one channel reach every node in the same order, and that order
 * respects the order in which each node published them (all of a node's publishes go through one
 * connection).
 *
 * <p><b>Node messages.</b> Every broker also listens on its own node channel: {@link #publishToNode}
 * reaches that one node's {@link BrokerEventHandler#onNodeMessage}, with the same guarantees.
 *
 * <p>Implementations are thread-safe. Methods do not block; futures complete when the backbone
 * has accepted the command (or fail if it cannot).
 */
public interface Broker extends AutoCloseable {

    /** This node's id (the address for {@link #publishToNode}). */
    String nodeId();

    /**
     * Publishes a message on a channel.
     *
     * @return the number of nodes subscribed to the channel at that moment (0: nobody received it)
     */
    CompletableFuture<Long> publish(String channel, String payload);

    /**
     * Sends a message to one node.
     *
     * @return 1 if the node is connected and received it, 0 if no such node is listening
     */
    CompletableFuture<Long> publishToNode(String nodeId, String payload);

    /** Adds one reference to this node's interest in {@code channel}; completes once subscribed. */
    CompletableFuture<Void> subscribe(String channel);

    /** Removes one reference; at zero the node stops receiving the channel. */
    CompletableFuture<Void> unsubscribe(String channel);

    /** Channels this node is subscribed to (reference count above zero). */
    Set<String> subscriptions();

    /** Stops receiving and releases connections. Later calls fail with {@link IllegalStateException}. */
    @Override
    void close();
}
