package io.pgrealtime.gateway.presence;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ConnectionCounter} inside one JVM (development, tests). Several counters may share a
 * {@link Store} to behave like nodes of one cluster; they live and die with the process, so there
 * is no crashed-node recovery. Thread-safe.
 */
public final class MemoryConnectionCounter implements ConnectionCounter {

    /** Shared counts of the counters that form one in-process cluster. Thread-safe. */
    public static final class Store {
        /** User id to connection id to node id; guarded by itself. */
        private final Map<String, Map<String, String>> users = new HashMap<>();
    }

    private final Store store;
    private final String nodeId;
    private volatile boolean closed;

    /** A single-node counter with a store of its own. */
    public MemoryConnectionCounter(String nodeId) {
        this(new Store(), nodeId);
    }

    /** A node of the cluster formed by {@code store}. */
    public MemoryConnectionCounter(Store store, String nodeId) {
        this.store = Objects.requireNonNull(store, "store");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    }

    @Override
    public CompletableFuture<Boolean> tryAcquire(String userId, String connectionId, int limit) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(connectionId, "connectionId");
        synchronized (store.users) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("connection counter is closed"));
            }
            Map<String, String> conns = store.users.computeIfAbsent(userId, u -> new LinkedHashMap<>());
            if (conns.containsKey(connectionId)) {
                return CompletableFuture.completedFuture(true);
            }
            if (conns.size() >= limit) {
                if (conns.isEmpty()) {
                    store.users.remove(userId);
                }
                return CompletableFuture.completedFuture(false);
            }
            conns.put(connectionId, nodeId);
            return CompletableFuture.completedFuture(true);
        }
    }

    @Override
    public CompletableFuture<Void> release(String userId, String connectionId) {
        synchronized (store.users) {
            Map<String, String> conns = store.users.get(userId);
            if (conns != null && conns.remove(connectionId) != null && conns.isEmpty()) {
                store.users.remove(userId);
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public CompletableFuture<Long> count(String userId) {
        synchronized (store.users) {
            return CompletableFuture.completedFuture((long) store.users.getOrDefault(userId, Map.of()).size());
        }
    }

    @Override
    public void close() {
        synchronized (store.users) {
            closed = true;
            store.users.values().forEach(conns -> conns.values().removeIf(nodeId::equals));
            store.users.values().removeIf(Map::isEmpty);
        }
    }
}
