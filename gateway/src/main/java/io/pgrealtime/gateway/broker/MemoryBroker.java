package io.pgrealtime.gateway.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A {@link Broker} inside one JVM, for a single gateway (development, tests). Several instances
 * may share a {@link Hub} to behave like nodes of one cluster.
 *
 * <p>Guarantees are those of the interface, and stronger: nothing is lost while the broker is
 * open. Each broker delivers on its own single delivery thread, in the order messages were
 * published (publishes are serialized by the hub, so every broker sees one order), never on the
 * publisher's thread, so a handler may publish without re-entering itself. Thread-safe.
 */
public final class MemoryBroker implements Broker {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryBroker.class);

    /** Shared state of the brokers that form one in-process cluster. Thread-safe. */
    public static final class Hub {
        private final Object lock = new Object();
        private final Map<String, Set<MemoryBroker>> channels = new HashMap<>();
        private final Map<String, MemoryBroker> nodes = new HashMap<>();
    }

    private final Hub hub;
    private final String nodeId;
    private final BrokerEventHandler handler;
    private final ExecutorService delivery;
    /** Reference counts; mutated under the hub lock, read by the delivery thread. */
    private final Map<String, Integer> refs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A single-node broker with a hub of its own. */
    public MemoryBroker(String nodeId, BrokerEventHandler handler) {
        this(new Hub(), nodeId, handler);
    }

    /**
     * A node of the cluster formed by {@code hub}.
     *
     * @throws IllegalArgumentException if another open broker of the hub has this node id
     */
    public MemoryBroker(Hub hub, String nodeId, BrokerEventHandler handler) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.handler = Objects.requireNonNull(handler, "handler");
        synchronized (hub.lock) {
            if (hub.nodes.containsKey(nodeId)) {
                throw new IllegalArgumentException("node id " + nodeId + " is already in use");
            }
            hub.nodes.put(nodeId, this);
        }
        this.delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "memory-broker-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public CompletableFuture<Long> publish(String channel, String payload) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(payload, "payload");
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("broker is closed"));
        }
        long n = 0;
        synchronized (hub.lock) {
            for (MemoryBroker b : hub.channels.getOrDefault(channel, Set.of())) {
                b.enqueue(() -> b.deliver(channel, payload));
                n++;
            }
        }
        return CompletableFuture.completedFuture(n);
    }

    @Override
    public CompletableFuture<Long> publishToNode(String targetNode, String payload) {
        Objects.requireNonNull(payload, "payload");
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("broker is closed"));
        }
        synchronized (hub.lock) {
            MemoryBroker b = hub.nodes.get(targetNode);
            if (b == null) {
                return CompletableFuture.completedFuture(0L);
            }
            b.enqueue(() -> b.deliverToNode(payload));
            return CompletableFuture.completedFuture(1L);
        }
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        Objects.requireNonNull(channel, "channel");
        synchronized (hub.lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("broker is closed"));
            }
            if (refs.merge(channel, 1, Integer::sum) == 1) {
                hub.channels.computeIfAbsent(channel, c -> new LinkedHashSet<>()).add(this);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        synchronized (hub.lock) {
            Integer n = refs.get(channel);
            if (n != null && n > 1) {
                refs.put(channel, n - 1);
            } else if (n != null) {
                refs.remove(channel);
                removeFromHub(channel);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<String> subscriptions() {
        return Set.copyOf(refs.keySet());
    }

    @Override
    public void close() {
        synchronized (hub.lock) {
            if (closed) {
                return;
            }
            closed = true;
            refs.keySet().forEach(this::removeFromHub);
            refs.clear();
            hub.nodes.remove(nodeId, this);
        }
        delivery.shutdown();
    }

    private void removeFromHub(String channel) {
        Set<MemoryBroker> subs = hub.channels.get(channel);
        if (subs != null) {
            subs.remove(this);
            if (subs.isEmpty()) {
                hub.channels.remove(channel);
            }
        }
    }

    private void enqueue(Runnable task) {
        if (!closed) {
            delivery.execute(task);
        }
    }

    private void deliver(String channel, String payload) {
        if (closed || !refs.containsKey(channel)) {
            return;
        }
        try {
            handler.onMessage(channel, payload);
        } catch (RuntimeException e) {
            LOG.warn("broker handler failed on channel {}", channel, e);
        }
    }

    private void deliverToNode(String payload) {
        if (closed) {
            return;
        }
        try {
            handler.onNodeMessage(payload);
        } catch (RuntimeException e) {
            LOG.warn("broker handler failed on a node message", e);
        }
    }
}
