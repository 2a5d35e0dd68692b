package io.pgrealtime.gateway.broker;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.pgrealtime.protocol.RedisKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Broker} over Redis Pub/Sub, for any number of gateway nodes sharing one Redis.
 *
 * <p>Connections: one Pub/Sub connection receives (SUBSCRIBE puts a Redis connection in a mode
 * where it can do nothing else), a second one publishes. Both come from the caller's
 * {@link RedisClient}, which keeps owning it; {@link #close()} closes only the two connections.
 *
 * <p>Channel names live under the key prefix: channel {@code c} is the Redis channel
 * {@link RedisKeys#broadcastChannel(String) {prefix}bc:c}, and node {@code n} listens on
 * {@code {prefix}direct:n}. Several systems with different prefixes can share one Redis.
 *
 * <p><b>Delivery is at-most-once</b> (that is what Redis Pub/Sub gives): Redis pushes a message to
 * the connections subscribed when it executes the PUBLISH and keeps no copy. While this node's
 * Pub/Sub connection is down, messages for it are lost; a client of this node that was in a
 * broadcast room misses them and is not told. After Lettuce reconnects, this broker subscribes
 * again to every channel it holds a reference for (Lettuce also restores its own subscriptions;
 * subscribing twice is harmless) and then calls {@link BrokerEventHandler#onResubscribed()}.
 * Publishes issued while disconnected are queued by Lettuce and sent after the reconnect (or fail
 * with the client's command timeout); a PUBLISH that reached Redis is delivered to whoever is
 * subscribed at that moment.
 *
 * <p>Order: one connection publishes, and Redis is single-threaded, so every node sees a channel's
 * messages in one order that respects each node's publish order. Subscribe and unsubscribe
 * commands are sent under one lock in the order of the reference-count changes, so Redis always
 * ends up with exactly the channels whose count is above zero.
 *
 * <p>Thread-safe. The handler runs on the Pub/Sub connection's event-loop thread: it must not block.
 */
public final class RedisBroker implements Broker {
    private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);

    private final RedisClient client;
    private final String nodeId;
    private final BrokerEventHandler handler;
    private final String channelPrefix;
    private final String nodeChannel;
    private final String directPrefix;
    private final Object lock = new Object();
    /** Channel to reference count and subscription future; mutated under {@link #lock}. */
    private final Map<String, Interest> interests = new ConcurrentHashMap<>();
    private final StatefulRedisPubSubConnection<String, String> receiver;
    private final StatefulRedisConnection<String, String> sender;
    private final RedisConnectionStateListener reconnectListener;
    private volatile boolean closed;

    private static final class Interest {
        int refs;
        CompletableFuture<Void> subscribed;
    }

    /**
     * Connects and subscribes to this node's channel (blocking until Redis confirms it).
     *
     * @param client  Lettuce client for the Redis to use; owned by the caller (its options decide
     *                reconnect delay and command timeout)
     * @param keys    key names; the prefix scopes the channels
     * @param nodeId  this node's unique id
     * @param handler receives messages, on the Pub/Sub event-loop thread
     */
    public RedisBroker(RedisClient client, RedisKeys keys, String nodeId, BrokerEventHandler handler) {
        this.client = Objects.requireNonNull(client, "client");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.channelPrefix = keys.broadcastChannel("");
        this.directPrefix = keys.prefix() + "direct:";
        this.nodeChannel = directPrefix + nodeId;
        this.reconnectListener = new ReconnectListener();
        StatefulRedisPubSubConnection<String, String> rx = client.connectPubSub();
        StatefulRedisConnection<String, String> tx = null;
        try {
            rx.addListener(new Listener());
            rx.sync().subscribe(nodeChannel);
            tx = client.connect();
        } catch (RuntimeException e) {
            rx.close();
            throw e;
        }
        this.receiver = rx;
        this.sender = tx;
        client.addListener(reconnectListener);
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public CompletableFuture<Long> publish(String channel, String payload) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(payload, "payload");
        return send(channelPrefix + channel, payload);
    }

    @Override
    public CompletableFuture<Long> publishToNode(String targetNode, String payload) {
        Objects.requireNonNull(targetNode, "nodeId");
        Objects.requireNonNull(payload, "payload");
        return send(directPrefix + targetNode, payload);
    }

    private CompletableFuture<Long> send(String redisChannel, String payload) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("broker is closed"));
        }
        return sender.async().publish(redisChannel, payload).toCompletableFuture();
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        Objects.requireNonNull(channel, "channel");
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("broker is closed"));
            }
            Interest i = interests.get(channel);
            if (i != null) {
                i.refs++;
                if (i.subscribed.isCompletedExceptionally()) {
                    // The first SUBSCRIBE failed (timeout, Redis away): try again for this caller.
                    i.subscribed = receiver.async().subscribe(channelPrefix + channel).toCompletableFuture();
                }
                return i.subscribed;
            }
            i = new Interest();
            i.refs = 1;
            i.subscribed = receiver.async().subscribe(channelPrefix + channel).toCompletableFuture();
            interests.put(channel, i);
            return i.subscribed;
        }
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        synchronized (lock) {
            Interest i = interests.get(channel);
            if (i == null || closed) {
                return CompletableFuture.completedFuture(null);
            }
            if (--i.refs > 0) {
                return CompletableFuture.completedFuture(null);
            }
            interests.remove(channel);
            return receiver.async().unsubscribe(channelPrefix + channel).toCompletableFuture();
        }
    }

    @Override
    public Set<String> subscriptions() {
        return Set.copyOf(interests.keySet());
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            interests.clear();
        }
        client.removeListener(reconnectListener);
        // Unsubscribe before closing: Redis drops a closed connection's subscriptions only when it notices
        // the disconnect, and a publish from another node in between would still count this node.
        // Bounded, since Redis may be gone at shutdown (closing drops the subscriptions anyway).
        try {
            receiver.async().unsubscribe().toCompletableFuture().get(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            // Best effort.
        }
        receiver.close();
        sender.close();
    }

    /** Sends SUBSCRIBE for every channel held, then tells the handler. */
    private void resubscribe() {
        CompletableFuture<Void> done;
        synchronized (lock) {
            if (closed) {
                return;
            }
            List<String> all = new ArrayList<>(interests.size() + 1);
            all.add(nodeChannel);
            interests.keySet().forEach(c -> all.add(channelPrefix + c));
            done = receiver.async().subscribe(all.toArray(String[]::new)).toCompletableFuture();
        }
        done.whenComplete((ok, e) -> {
            if (e != null) {
                LOG.warn("broker {}: re-subscribing after a reconnect failed: {}", nodeId, e.toString());
                return;
            }
            LOG.info("broker {}: reconnected to Redis and re-subscribed {} channels", nodeId, interests.size());
            try {
                handler.onResubscribed();
            } catch (RuntimeException ex) {
                LOG.warn("broker handler failed in onResubscribed", ex);
            }
        });
    }

    private final class Listener extends RedisPubSubAdapter<String, String> {
        @Override
        public void message(String channel, String message) {
            if (closed) {
                return;
            }
            try {
                if (channel.equals(nodeChannel)) {
                    handler.onNodeMessage(message);
                } else if (channel.startsWith(channelPrefix)) {
                    String name = channel.substring(channelPrefix.length());
                    // Drop what arrives after the last unsubscribe (it may still be in flight).
                    if (interests.containsKey(name)) {
                        handler.onMessage(name, message);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("broker handler failed on channel {}", channel, e);
            }
        }
    }

    private final class ReconnectListener implements RedisConnectionStateListener {
        private volatile boolean disconnected;

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection == receiver && !closed) {
                disconnected = true;
                LOG.warn("broker {}: Pub/Sub connection to Redis lost; messages are dropped until it is back", nodeId);
            }
        }

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (connection == receiver && disconnected) {
                disconnected = false;
                resubscribe();
            }
        }
    }
}
