package io.pgrealtime.gateway.presence;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A {@link PresenceManager} inside one JVM, for a single gateway (development, tests). Several
 * managers may share a {@link Store} to behave like nodes of one cluster.
 *
 * <p>Nodes sharing a store live in one process, so there is no crashed-node recovery to do:
 * {@link #close()} removes a node's members, and if the process dies the store dies with it.
 * Events are never lost. Each manager calls its handler on its own single delivery thread, in the
 * order the store changed (changes are serialized by the store lock, so every node sees one
 * order), never on the caller's thread. Thread-safe.
 */
public final class MemoryPresenceManager implements PresenceManager {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryPresenceManager.class);
    private static final Comparator<PresenceMember> OLDEST_FIRST =
            Comparator.comparing(PresenceMember::joinedAt).thenComparing(PresenceMember::connectionId);

    /** Shared presence state of the managers that form one in-process cluster. Thread-safe. */
    public static final class Store {
        private final Object lock = new Object();
        /** Room to connection id to member; guarded by {@link #lock}. */
        private final Map<String, Map<String, PresenceMember>> rooms = new HashMap<>();
        private final List<MemoryPresenceManager> nodes = new CopyOnWriteArrayList<>();
    }

    private enum Kind { JOIN, UPDATE, LEAVE }

    private final Store store;
    private final String nodeId;
    private final PresenceEventHandler handler;
    private final ExecutorService delivery;
    private volatile boolean closed;

    /** A single-node manager with a store of its own. */
    public MemoryPresenceManager(String nodeId, PresenceEventHandler handler) {
        this(new Store(), nodeId, handler);
    }

    /** A node of the cluster formed by {@code store}. */
    public MemoryPresenceManager(Store store, String nodeId, PresenceEventHandler handler) {
        this.store = Objects.requireNonNull(store, "store");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "memory-presence-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        store.nodes.add(this);
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public CompletableFuture<Boolean> join(String room, PresenceMember member) {
        Objects.requireNonNull(room, "room");
        if (!member.nodeId().equals(nodeId)) {
            throw new IllegalArgumentException("member of node " + member.nodeId() + " cannot join through node " + nodeId);
        }
        synchronized (store.lock) {
            if (closed) {
                return closedFuture();
            }
            PresenceMember old = store.rooms.computeIfAbsent(room, r -> new LinkedHashMap<>()).put(member.connectionId(), member);
            if (old == null) {
                announce(Kind.JOIN, room, member);
            } else if (!old.equals(member)) {
                announce(Kind.UPDATE, room, member);
            }
            return CompletableFuture.completedFuture(old == null);
        }
    }

    @Override
    public CompletableFuture<Optional<PresenceMember>> update(String room, String connectionId, JsonNode state) {
        synchronized (store.lock) {
            if (closed) {
                return closedFuture();
            }
            Map<String, PresenceMember> members = store.rooms.get(room);
            PresenceMember old = members == null ? null : members.get(connectionId);
            if (old == null) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            PresenceMember updated = old.withState(state);
            if (!updated.equals(old)) {
                members.put(connectionId, updated);
                announce(Kind.UPDATE, room, updated);
            }
            return CompletableFuture.completedFuture(Optional.of(updated));
        }
    }

    @Override
    public CompletableFuture<Optional<PresenceMember>> leave(String room, String connectionId) {
        synchronized (store.lock) {
            if (closed) {
                return closedFuture();
            }
            return CompletableFuture.completedFuture(Optional.ofNullable(remove(room, connectionId)));
        }
    }

    @Override
    public CompletableFuture<Set<String>> leaveAll(String connectionId) {
        synchronized (store.lock) {
            if (closed) {
                return closedFuture();
            }
            return CompletableFuture.completedFuture(removeWhere(m -> m.connectionId().equals(connectionId)));
        }
    }

    /** Removes a member and announces it; the store lock is held. */
    private PresenceMember remove(String room, String connectionId) {
        Map<String, PresenceMember> members = store.rooms.get(room);
        PresenceMember old = members == null ? null : members.remove(connectionId);
        if (old != null) {
            if (members.isEmpty()) {
                store.rooms.remove(room);
            }
            announce(Kind.LEAVE, room, old);
        }
        return old;
    }

    private Set<String> removeWhere(java.util.function.Predicate<PresenceMember> which) {
        Set<String> left = new LinkedHashSet<>();
        for (Map.Entry<String, Map<String, PresenceMember>> room : new ArrayList<>(store.rooms.entrySet())) {
            for (PresenceMember m : new ArrayList<>(room.getValue().values())) {
                if (which.test(m)) {
                    remove(room.getKey(), m.connectionId());
                    left.add(room.getKey());
                }
            }
        }
        return left;
    }

    @Override
    public CompletableFuture<List<PresenceMember>> members(String room) {
        synchronized (store.lock) {
            List<PresenceMember> out = new ArrayList<>(store.rooms.getOrDefault(room, Map.of()).values());
            out.sort(OLDEST_FIRST);
            return CompletableFuture.completedFuture(out);
        }
    }

    @Override
    public CompletableFuture<Long> count(String room) {
        synchronized (store.lock) {
            return CompletableFuture.completedFuture((long) store.rooms.getOrDefault(room, Map.of()).size());
        }
    }

    @Override
    public CompletableFuture<Map<String, Long>> rooms() {
        synchronized (store.lock) {
            Map<String, Long> out = new TreeMap<>();
            store.rooms.forEach((room, members) -> out.put(room, (long) members.size()));
            return CompletableFuture.completedFuture(new LinkedHashMap<>(out));
        }
    }

    /** Removes this node's members (each announced with {@code onLeave}) and stops delivering. */
    @Override
    public void close() {
        synchronized (store.lock) {
            if (closed) {
                return;
            }
            removeWhere(m -> m.nodeId().equals(nodeId));
            closed = true;
            store.nodes.remove(this);
        }
        delivery.shutdown();
    }

    /** Queues the event for every node's handler; the store lock is held, which fixes one order. */
    private void announce(Kind kind, String room, PresenceMember member) {
        for (MemoryPresenceManager node : store.nodes) {
            node.enqueue(kind, room, member);
        }
    }

    private void enqueue(Kind kind, String room, PresenceMember member) {
        if (closed) {
            return;
        }
        delivery.execute(() -> {
            try {
                switch (kind) {
                    case JOIN -> handler.onJoin(room, member);
                    case UPDATE -> handler.onUpdate(room, member);
                    case LEAVE -> handler.onLeave(room, member);
                }
            } catch (RuntimeException e) {
                LOG.warn("presence handler failed on {} in room {}", kind, room, e);
            }
        });
    }

    private static <T> CompletableFuture<T> closedFuture() {
        return CompletableFuture.failedFuture(new IllegalStateException("presence manager is closed"));
    }
}
