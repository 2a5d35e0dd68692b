package io.pgrealtime.gateway.presence;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.pgrealtime.protocol.RedisKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
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
import java.util.concurrent.CompletableFuture;

/**
 * A {@link PresenceManager} in Redis, for any number of gateway nodes.
 *
 * <p><b>Data</b> (under the key prefix): a hash per room, {@code presence:{room}}, connection id to
 * member JSON ({@link PresenceCodec}); a set of active rooms {@code presence-rooms}; per connection
 * the set of its rooms, {@code presence-conn:{id}}; per node the set of its connections in rooms,
 * {@code presence-node:{id}}. Every change is one Lua script ({@code /lua/presence_*.lua}) that
 * updates all of these and PUBLISHes the event on {@code presence-events}, so state and events
 * can never disagree and every node receives events in the order of the changes.
 *
 * <p><b>Events</b> arrive on a Pub/Sub connection of this manager, one channel for all rooms:
 * every node receives every presence event (fine for a gateway cluster's presence traffic; a
 * per-room channel would be the next step if it grows). Delivery is at-most-once; after the event
 * connection comes back, {@link PresenceEventHandler#onResync()} is called.
 *
 * <p><b>Liveness</b> comes from the {@link RedisNodeRegistry} given at construction: a node that
 * dies without {@link #close()} has its members removed by another node, with {@code onLeave} on
 * every node, within {@link NodeLeaseSettings#reapBound()} (lease TTL + reaper interval; 12 s with
 * the defaults). If this node's own lease lapsed while it was alive, it re-joins its members.
 * This manager remembers the members joined through it for that purpose.
 *
 * <p>Thread-safe. Changes are sent under one lock on one connection, so they reach Redis in call
 * order. The handler runs on the event connection's event-loop thread and must not block.
 * Close (or {@link #crash()}) this manager before the registry.
 */
public final class RedisPresenceManager implements PresenceManager {
    private static final Logger LOG = LoggerFactory.getLogger(RedisPresenceManager.class);
    private static final String JOIN = LuaScripts.load("presence_join.lua");
    private static final String UPDATE = LuaScripts.load("presence_update.lua");
    private static final String LEAVE = LuaScripts.load("presence_leave.lua");
    private static final String REMOVE = LuaScripts.load("presence_remove_connections.lua");
    private static final String ROOMS = LuaScripts.load("presence_rooms.lua");
    private static final Comparator<PresenceMember> OLDEST_FIRST =
            Comparator.comparing(PresenceMember::joinedAt).thenComparing(PresenceMember::connectionId);

    private final RedisClient client;
    private final PresenceKeys keys;
    private final RedisNodeRegistry registry;
    private final String nodeId;
    private final PresenceEventHandler handler;
    private final StatefulRedisPubSubConnection<String, String> events;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> async;
    private final RedisConnectionStateListener reconnectListener = new ReconnectListener();
    private final RedisNodeRegistry.Participant participant = new RegistryParticipant();
    private final Object lock = new Object();
    /** Members joined through this node, by connection and room; guarded by {@link #lock}. */
    private final Map<String, Map<String, PresenceMember>> local = new HashMap<>();
    private volatile boolean closed;

    /**
     * Connects, subscribes to the event channel (blocking), removes what a previous process with
     * this node id may have left, and registers with the node registry.
     *
     * @param client   Lettuce client; owned by the caller
     * @param keys     key names
     * @param registry this node's liveness (its node id is this manager's)
     * @param handler  receives every node's presence events
     */
    public RedisPresenceManager(RedisClient client, RedisKeys keys, RedisNodeRegistry registry, PresenceEventHandler handler) {
        this.client = Objects.requireNonNull(client, "client");
        this.keys = new PresenceKeys(keys);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.nodeId = registry.nodeId();
        this.handler = Objects.requireNonNull(handler, "handler");
        this.events = client.connectPubSub();
        StatefulRedisConnection<String, String> c = null;
        try {
            events.addListener(new EventListener());
            events.sync().subscribe(this.keys.events());
            c = client.connect();
            this.connection = c;
            this.async = c.async();
            int removed = removeNode(nodeId, false);
            if (removed > 0) {
                LOG.info("node {}: removed {} presence entries left by a previous process with this id", nodeId, removed);
            }
        } catch (RuntimeException e) {
            events.close();
            if (c != null) {
                c.close();
            }
            throw e;
        }
        registry.register(participant);
        client.addListener(reconnectListener);
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
        String json = PresenceCodec.encode(member);
        synchronized (lock) {
            if (closed) {
                return closedFuture();
            }
            local.computeIfAbsent(member.connectionId(), k -> new HashMap<>()).put(room, member);
            return dispatchJoin(room, member.connectionId(), json).thenApply(r -> r == 1L);
        }
    }

    private CompletableFuture<Long> dispatchJoin(String room, String connectionId, String json) {
        return async.<Long>eval(JOIN, ScriptOutputType.INTEGER,
                new String[] {keys.room(room), keys.rooms(), keys.connection(connectionId), keys.nodeConnections(nodeId), keys.nodes()},
                room, connectionId, json, keys.events(), nodeId).toCompletableFuture();
    }

    @Override
    public CompletableFuture<Optional<PresenceMember>> update(String room, String connectionId, JsonNode state) {
        String stateJson = PresenceCodec.encodeState(state);
        synchronized (lock) {
            if (closed) {
                return closedFuture();
            }
            Map<String, PresenceMember> rooms = local.get(connectionId);
            if (rooms != null) {
                rooms.computeIfPresent(room, (r, m) -> m.withState(state));
            }
            return async.<String>eval(UPDATE, ScriptOutputType.VALUE, new String[] {keys.room(room)},
                    room, connectionId, stateJson, keys.events())
                    .toCompletableFuture().thenApply(json -> Optional.ofNullable(json).map(PresenceCodec::decode));
        }
    }

    @Override
    public CompletableFuture<Optional<PresenceMember>> leave(String room, String connectionId) {
        synchronized (lock) {
            if (closed) {
                return closedFuture();
            }
            Map<String, PresenceMember> rooms = local.get(connectionId);
            if (rooms != null && rooms.remove(room) != null && rooms.isEmpty()) {
                local.remove(connectionId);
            }
            return async.<String>eval(LEAVE, ScriptOutputType.VALUE,
                    new String[] {keys.room(room), keys.rooms(), keys.connection(connectionId)},
                    room, connectionId, keys.events(), keys.nodeConnectionsPrefix())
                    .toCompletableFuture().thenApply(json -> Optional.ofNullable(json).map(PresenceCodec::decode));
        }
    }

    @Override
    public CompletableFuture<Set<String>> leaveAll(String connectionId) {
        synchronized (lock) {
            if (closed) {
                return closedFuture();
            }
            local.remove(connectionId);
            return async.<List<Object>>eval(REMOVE, ScriptOutputType.MULTI, removeKeys(nodeId),
                    removeArgs(false, List.of(connectionId))).toCompletableFuture().thenApply(r -> {
                        Set<String> rooms = new LinkedHashSet<>();
                        for (int i = 1; i + 1 < r.size(); i += 2) {
                            rooms.add((String) r.get(i));
                        }
                        return rooms;
                    });
        }
    }

    @Override
    public CompletableFuture<List<PresenceMember>> members(String room) {
        return async.hgetall(keys.room(room)).toCompletableFuture().thenApply(all -> {
            List<PresenceMember> out = new ArrayList<>(all.size());
            all.values().forEach(json -> out.add(PresenceCodec.decode(json)));
            out.sort(OLDEST_FIRST);
            return out;
        });
    }

    @Override
    public CompletableFuture<Long> count(String room) {
        return async.hlen(keys.room(room)).toCompletableFuture();
    }

    @Override
    public CompletableFuture<Map<String, Long>> rooms() {
        return async.<List<Object>>eval(ROOMS, ScriptOutputType.MULTI, new String[] {keys.rooms()}, keys.roomPrefix())
                .toCompletableFuture().thenApply(flat -> {
                    List<Map.Entry<String, Long>> entries = new ArrayList<>();
                    for (int i = 0; i + 1 < flat.size(); i += 2) {
                        entries.add(Map.entry((String) flat.get(i), (Long) flat.get(i + 1)));
                    }
                    entries.sort(Map.Entry.comparingByKey());
                    Map<String, Long> out = new LinkedHashMap<>();
                    entries.forEach(e -> out.put(e.getKey(), e.getValue()));
                    return out;
                });
    }

    /**
     * Removes every connection of a node from every room, in batches.
     *
     * @return how many members left, or -1 if {@code onlyIfLeaseAbsent} and the node's lease exists
     */
    private int removeNode(String node, boolean onlyIfLeaseAbsent) {
        RedisCommands<String, String> redis = connection.sync();
        int batch = registry.settings().reapBatchSize();
        int removed = 0;
        while (true) {
            List<String> conns = new ArrayList<>(redis.srandmember(keys.nodeConnections(node), batch));
            if (conns.isEmpty()) {
                return removed;
            }
            List<Object> r = redis.eval(REMOVE, ScriptOutputType.MULTI, removeKeys(node), removeArgs(onlyIfLeaseAbsent, conns));
            if ((Long) r.get(0) == 0L) {
                return -1;
            }
            removed += (r.size() - 1) / 2;
        }
    }

    private String[] removeKeys(String node) {
        return new String[] {keys.nodeConnections(node), keys.rooms(), keys.lease(node)};
    }

    private String[] removeArgs(boolean onlyIfLeaseAbsent, List<String> connections) {
        List<String> args = new ArrayList<>(connections.size() + 4);
        args.add(keys.roomPrefix());
        args.add(keys.connectionPrefix());
        args.add(keys.events());
        args.add(onlyIfLeaseAbsent ? "1" : "0");
        args.addAll(connections);
        return args.toArray(String[]::new);
    }

    private static <T> CompletableFuture<T> closedFuture() {
        return CompletableFuture.failedFuture(new IllegalStateException("presence manager is closed"));
    }

    /** Removes this node's members (each announced with {@code onLeave}) and disconnects. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            local.clear();
        }
        registry.unregister(participant);
        client.removeListener(reconnectListener);
        try {
            removeNode(nodeId, false);
        } catch (RuntimeException e) {
            LOG.warn("node {}: could not remove its presence members on close; the reapers will: {}", nodeId, e.toString());
        } finally {
            events.close();
            connection.close();
        }
    }

    /**
     * Test hook: simulates a crash. Drops the connections without removing anything; the members
     * stay until another node reaps them (crash the registry too, so that the lease lapses).
     */
    public void crash() {
        synchronized (lock) {
            closed = true;
        }
        registry.unregister(participant);
        client.removeListener(reconnectListener);
        events.close();
        connection.close();
    }

    /** What the node registry asks of presence: reap a dead node, restore after a lapsed lease. */
    private final class RegistryParticipant implements RedisNodeRegistry.Participant {
        @Override
        public boolean reapNode(String deadNodeId) {
            int removed = removeNode(deadNodeId, true);
            if (removed > 0) {
                LOG.info("node {}: {} presence members of dead node {} left", nodeId, removed, deadNodeId);
            }
            return removed >= 0;
        }

        @Override
        public void leaseLost() {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                local.forEach((conn, rooms) -> rooms.forEach((room, member) ->
                        dispatchJoin(room, conn, PresenceCodec.encode(member)).whenComplete((r, e) -> {
                            if (e != null) {
                                LOG.warn("node {}: could not restore {} in room {}: {}", nodeId, conn, room, e.toString());
                            }
                        })));
            }
        }
    }

    private final class EventListener extends RedisPubSubAdapter<String, String> {
        @Override
        public void message(String channel, String message) {
            if (closed) {
                return;
            }
            try {
                PresenceCodec.Event e = PresenceCodec.decodeEvent(message);
                switch (e.type()) {
                    case JOIN -> handler.onJoin(e.room(), e.member());
                    case UPDATE -> handler.onUpdate(e.room(), e.member());
                    case LEAVE -> handler.onLeave(e.room(), e.member());
                }
            } catch (RuntimeException ex) {
                LOG.warn("node {}: presence event handling failed", nodeId, ex);
            }
        }
    }

    private final class ReconnectListener implements RedisConnectionStateListener {
        private volatile boolean disconnected;

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
            if (c == events && !closed) {
                disconnected = true;
                LOG.warn("node {}: presence event connection lost; events are missed until it is back", nodeId);
            }
        }

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
            if (c == events && disconnected && !closed) {
                disconnected = false;
                // Lettuce re-subscribes the event channel itself; make sure, then tell the handler.
                events.async().subscribe(keys.events()).whenComplete((ok, e) -> {
                    if (e == null && !closed) {
                        try {
                            handler.onResync();
                        } catch (RuntimeException ex) {
                            LOG.warn("presence handler failed in onResync", ex);
                        }
                    }
                });
            }
        }
    }
}
