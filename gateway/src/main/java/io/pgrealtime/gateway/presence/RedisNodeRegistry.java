package io.pgrealtime.gateway.presence;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.pgrealtime.protocol.RedisKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Liveness of gateway nodes in Redis: each node holds a lease, and every node reaps the data of
 * nodes whose lease has lapsed. Shared by the node's {@link RedisPresenceManager} and
 * {@link RedisConnectionCounter} (its "participants").
 *
 * <p><b>Lease.</b> Key {@link RedisKeys#nodeLease {prefix}node:{id}}, set with a TTL
 * ({@code SET PX}) and extended every {@link NodeLeaseSettings#refreshInterval()} by a thread this
 * registry owns ({@code presence_lease.lua}). The node's id is also kept in the set
 * {@code {prefix}nodes}, so that reapers know which nodes to watch.
 *
 * <p><b>Reaper.</b> Every {@link NodeLeaseSettings#reaperInterval()} each node lists the registered
 * nodes without a lease. For each, it takes a short lock ({@code SET {prefix}node-reaper:{id} NX PX})
 * so that one node does the work, asks every participant to remove that node's data (in batches;
 * each batch re-checks, inside its Lua script, that the lease is still absent), and drops the node
 * from the registry. A dead node is thus reaped within {@link NodeLeaseSettings#reapBound()}.
 *
 * <p><b>False deaths.</b> A node that was alive but could not refresh in time (a long GC pause,
 * a Redis outage longer than the TTL, Redis losing its data) finds its lease gone at its next
 * refresh. It takes the lease again first and then tells its participants to restore their data
 * (members re-join, announced as joins; counted connections are counted again). Because reaping
 * only proceeds while the lease is absent, nothing restored after that point is reaped again.
 *
 * <p>Node ids must be unique among live nodes; reuse by a later process of the same id is fine
 * (its participants remove the previous process's leftovers when they start).
 *
 * <p>Thread-safe. Lettuce commands on a connection of its own, with a command timeout of
 * {@code max(refreshInterval, 1 s)} so that a refresh that hangs gives way to the next one.
 */
public final class RedisNodeRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisNodeRegistry.class);
    private static final String LEASE = LuaScripts.load("presence_lease.lua");
    private static final String NODES = LuaScripts.load("presence_nodes.lua");
    private static final String FORGET = LuaScripts.load("presence_forget_node.lua");
    private static final String UNLOCK = LuaScripts.load("presence_unlock.lua");
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");

    /** Something that keeps per-node data in Redis and must reap and restore it. */
    interface Participant {
        /**
         * Removes a dead node's data, checking in every batch that its lease is still absent.
         * Called on the reaper thread; may block.
         *
         * @return false if it stopped because the node's lease exists again
         */
        boolean reapNode(String deadNodeId);

        /** This node's lease had lapsed and is held again: restore this node's data. Must not block. */
        void leaseLost();
    }

    private final PresenceKeys keys;
    private final String nodeId;
    private final NodeLeaseSettings settings;
    private final String leaseValue;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final ScheduledExecutorService refresher;
    private final ScheduledExecutorService reaper;
    private final List<Participant> participants = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile boolean refreshPaused;

    /**
     * Takes this node's lease (blocking: fails fast if Redis is unreachable) and starts the
     * refresher and the reaper.
     *
     * @param client   Lettuce client; owned by the caller
     * @param keys     key names
     * @param nodeId   this node's id, unique among live nodes: letters, digits and {@code . _ : @ -},
     *                 at most 128 characters (a host or pod name, with a random suffix if reused)
     * @param settings lease timing
     * @throws IllegalArgumentException if the node id has other characters
     */
    public RedisNodeRegistry(RedisClient client, RedisKeys keys, String nodeId, NodeLeaseSettings settings) {
        this.keys = new PresenceKeys(keys);
        if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("node id must match " + NODE_ID.pattern() + ": " + nodeId);
        }
        this.nodeId = nodeId;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.leaseValue = Instant.now() + " " + UUID.randomUUID();
        this.connection = client.connect();
        Duration timeout = settings.refreshInterval().compareTo(Duration.ofSeconds(1)) > 0
                ? settings.refreshInterval() : Duration.ofSeconds(1);
        connection.setTimeout(timeout);
        this.redis = connection.sync();
        try {
            if (takeLease()) {
                LOG.warn("node {}: its lease was already held, by a previous process within the lease TTL or by"
                        + " another live process with the same id (node ids must be unique)", nodeId);
            }
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        this.refresher = Executors.newSingleThreadScheduledExecutor(daemon("node-lease-" + nodeId));
        this.reaper = Executors.newSingleThreadScheduledExecutor(daemon("node-reaper-" + nodeId));
        long refreshMs = settings.refreshInterval().toMillis();
        refresher.scheduleWithFixedDelay(this::refresh, refreshMs, refreshMs, TimeUnit.MILLISECONDS);
        long reapMs = settings.reaperInterval().toMillis();
        // Spread the nodes' reaper runs so that they do not all hit Redis at the same instant.
        reaper.scheduleWithFixedDelay(this::reapDeadNodes, ThreadLocalRandom.current().nextLong(reapMs + 1), reapMs,
                TimeUnit.MILLISECONDS);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public String nodeId() {
        return nodeId;
    }

    public NodeLeaseSettings settings() {
        return settings;
    }

    /** Ids of the nodes that hold a lease now (this one included while it is healthy). */
    public CompletableFuture<Set<String>> liveNodes() {
        return connection.async().<List<Object>>eval(NODES, ScriptOutputType.MULTI, new String[] {keys.nodes()},
                keys.leasePrefix()).toCompletableFuture().thenApply(flat -> {
                    Set<String> live = new LinkedHashSet<>();
                    for (int i = 0; i + 1 < flat.size(); i += 2) {
                        if (((Long) flat.get(i + 1)) == 1L) {
                            live.add((String) flat.get(i));
                        }
                    }
                    return live;
                });
    }

    void register(Participant p) {
        participants.add(p);
    }

    void unregister(Participant p) {
        participants.remove(p);
    }

    private boolean takeLease() {
        Long held = redis.eval(LEASE, ScriptOutputType.INTEGER, new String[] {keys.lease(nodeId), keys.nodes()},
                Long.toString(settings.leaseTtl().toMillis()), nodeId, leaseValue);
        return held != null && held == 1L;
    }

    private void refresh() {
        if (closed || refreshPaused) {
            return;
        }
        try {
            if (!takeLease() && !closed) {
                LOG.warn("node {}: its liveness lease had lapsed (pause or Redis outage); lease taken again,"
                        + " restoring this node's presence and connection counts", nodeId);
                for (Participant p : participants) {
                    p.leaseLost();
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("node {}: lease refresh failed: {}", nodeId, e.toString());
            }
        }
    }

    private void reapDeadNodes() {
        if (closed || participants.isEmpty()) {
            return;
        }
        try {
            List<Object> flat = redis.eval(NODES, ScriptOutputType.MULTI, new String[] {keys.nodes()}, keys.leasePrefix());
            for (int i = 0; i + 1 < flat.size() && !closed; i += 2) {
                String node = (String) flat.get(i);
                if (((Long) flat.get(i + 1)) == 0L && !node.equals(nodeId)) {
                    reap(node);
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("node {}: reaper run failed: {}", nodeId, e.toString());
            }
        }
    }

    private void reap(String dead) {
        String lock = keys.reaperLock(dead);
        String token = nodeId + " " + UUID.randomUUID();
        long lockMs = Math.max(settings.leaseTtl().toMillis(), 5_000);
        if (!"OK".equals(redis.set(lock, token, SetArgs.Builder.nx().px(lockMs)))) {
            return;
        }
        try {
            boolean complete = true;
            for (Participant p : participants) {
                if (!p.reapNode(dead)) {
                    complete = false;
                    break;
                }
            }
            if (complete && forget(dead)) {
                LOG.info("node {}: reaped node {} (its lease had expired)", nodeId, dead);
            } else {
                LOG.info("node {}: node {} renewed its lease while being reaped; left to restore itself", nodeId, dead);
            }
        } finally {
            redis.eval(UNLOCK, ScriptOutputType.INTEGER, new String[] {lock}, token);
        }
    }

    private boolean forget(String node) {
        Long r = redis.eval(FORGET, ScriptOutputType.INTEGER, new String[] {keys.nodes(), keys.lease(node)}, node);
        return r != null && r == 1L;
    }

    /** Test hook: simulates a long pause (GC, frozen VM) by skipping lease refreshes while paused. */
    void pauseRefresh(boolean paused) {
        this.refreshPaused = paused;
    }

    /**
     * Test hook: simulates a crash. Stops refreshing and reaping and drops the connection, leaving
     * the lease to expire and this node's data for the other nodes to reap.
     */
    public void crash() {
        closed = true;
        refresher.shutdownNow();
        reaper.shutdownNow();
        connection.close();
    }

    /**
     * Stops refreshing and reaping and gives the lease up. Close the participants first (they
     * remove this node's data); if any is still open, its data is left for the other nodes' reapers.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        refresher.shutdown();
        reaper.shutdown();
        try {
            refresher.awaitTermination(5, TimeUnit.SECONDS);
            reaper.awaitTermination(5, TimeUnit.SECONDS);
            redis.del(keys.lease(nodeId));
            if (participants.isEmpty()) {
                forget(nodeId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("node {}: could not release its lease: {}", nodeId, e.toString());
        } finally {
            connection.close();
        }
    }
}
