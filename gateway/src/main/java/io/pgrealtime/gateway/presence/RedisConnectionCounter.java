package io.pgrealtime.gateway.presence;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.pgrealtime.protocol.RedisKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ConnectionCounter} in Redis, for any number of gateway nodes.
 *
 * <p>Data (under the key prefix): per user a hash {@link RedisKeys#userConnections
 * conn:user:{id}}, connection id to node id, whose length is the user's count; per node the set of
 * users it counts connections for, {@code conn-node:{id}}. {@code presence_counter_acquire.lua}
 * checks the count and adds in one step, which makes the limit exact across nodes.
 *
 * <p>Liveness comes from the {@link RedisNodeRegistry}: a dead node's connections are released by
 * another node within {@link NodeLeaseSettings#reapBound()}; if this node's own lease lapsed
 * while it was alive, it counts its connections again (ignoring the limit: they are open). This
 * counter remembers the connections it counted for that purpose.
 *
 * <p>Thread-safe. Commands are sent under one lock on one connection, so they reach Redis in call
 * order. Close this counter before the registry.
 */
public final class RedisConnectionCounter implements ConnectionCounter {
    private static final Logger LOG = LoggerFactory.getLogger(RedisConnectionCounter.class);
    private static final String ACQUIRE = LuaScripts.load("presence_counter_acquire.lua");
    private static final String RELEASE = LuaScripts.load("presence_counter_release.lua");
    private static final String REAP = LuaScripts.load("presence_counter_reap.lua");

    private final PresenceKeys keys;
    private final RedisNodeRegistry registry;
    private final String nodeId;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> async;
    private final RedisNodeRegistry.Participant participant = new RegistryParticipant();
    private final Object lock = new Object();
    /** Connections counted through this node: connection id to user id; guarded by {@link #lock}. */
    private final Map<String, String> local = new HashMap<>();
    private volatile boolean closed;

    /**
     * Connects, releases what a previous process with this node id may have left, and registers
     * with the node registry.
     */
    public RedisConnectionCounter(RedisClient client, RedisKeys keys, RedisNodeRegistry registry) {
        this.keys = new PresenceKeys(keys);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.nodeId = registry.nodeId();
        this.connection = client.connect();
        this.async = connection.async();
        try {
            long released = releaseNode(nodeId, false);
            if (released > 0) {
                LOG.info("node {}: released {} connection counts left by a previous process with this id", nodeId, released);
            }
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        registry.register(participant);
    }

    @Override
    public CompletableFuture<Boolean> tryAcquire(String userId, String connectionId, int limit) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(connectionId, "connectionId");
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("connection counter is closed"));
            }
            return dispatchAcquire(userId, connectionId, limit).thenApply(r -> {
                if (r == 1L) {
                    // Remembered once counted, so that a refused connection is never restored.
                    synchronized (lock) {
                        if (!closed) {
                            local.put(connectionId, userId);
                        }
                    }
                }
                return r == 1L;
            });
        }
    }

    private CompletableFuture<Long> dispatchAcquire(String userId, String connectionId, int limit) {
        return async.<Long>eval(ACQUIRE, ScriptOutputType.INTEGER,
                new String[] {keys.userConnections(userId), keys.nodeUsers(nodeId), keys.nodes()},
                connectionId, nodeId, userId, Integer.toString(limit)).toCompletableFuture();
    }

    @Override
    public CompletableFuture<Void> release(String userId, String connectionId) {
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            local.remove(connectionId, userId);
            return async.<Long>eval(RELEASE, ScriptOutputType.INTEGER,
                    new String[] {keys.userConnections(userId), keys.nodeUsers(nodeId)}, connectionId, nodeId, userId)
                    .toCompletableFuture().thenApply(r -> null);
        }
    }

    @Override
    public CompletableFuture<Long> count(String userId) {
        return async.hlen(keys.userConnections(userId)).toCompletableFuture();
    }

    /**
     * Releases every connection a node counted, in batches of users.
     *
     * @return how many were released, or -1 if {@code onlyIfLeaseAbsent} and the node's lease exists
     */
    private long releaseNode(String node, boolean onlyIfLeaseAbsent) {
        RedisCommands<String, String> redis = connection.sync();
        long released = 0;
        while (true) {
            List<String> users = redis.srandmember(keys.nodeUsers(node), registry.settings().reapBatchSize());
            if (users.isEmpty()) {
                return released;
            }
            List<String> args = new ArrayList<>(users.size() + 3);
            args.add(keys.userConnectionsPrefix());
            args.add(node);
            args.add(onlyIfLeaseAbsent ? "1" : "0");
            args.addAll(users);
            Long r = redis.eval(REAP, ScriptOutputType.INTEGER, new String[] {keys.nodeUsers(node), keys.lease(node)},
                    args.toArray(String[]::new));
            if (r == null || r < 0) {
                return -1;
            }
            released += r;
        }
    }

    /** Stops counting this node's connections and disconnects. */
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
        try {
            releaseNode(nodeId, false);
        } catch (RuntimeException e) {
            LOG.warn("node {}: could not release its connection counts on close; the reapers will: {}", nodeId, e.toString());
        } finally {
            connection.close();
        }
    }

    /** Test hook: simulates a crash; the counts stay until another node reaps them. */
    public void crash() {
        synchronized (lock) {
            closed = true;
        }
        registry.unregister(participant);
        connection.close();
    }

    /** What the node registry asks of the counter: reap a dead node, restore after a lapsed lease. */
    private final class RegistryParticipant implements RedisNodeRegistry.Participant {
        @Override
        public boolean reapNode(String deadNodeId) {
            long released = releaseNode(deadNodeId, true);
            if (released > 0) {
                LOG.info("node {}: released {} connection counts of dead node {}", nodeId, released, deadNodeId);
            }
            return released >= 0;
        }

        @Override
        public void leaseLost() {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                local.forEach((conn, user) -> dispatchAcquire(user, conn, -1).whenComplete((r, e) -> {
                    if (e != null) {
                        LOG.warn("node {}: could not restore the count of connection {}: {}", nodeId, conn, e.toString());
                    }
                }));
            }
        }
    }
}
