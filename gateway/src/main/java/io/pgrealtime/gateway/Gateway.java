package io.pgrealtime.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgrealtime.gateway.auth.NimbusTokenVerifier;
import io.pgrealtime.gateway.auth.TokenVerifier;
import io.pgrealtime.gateway.broker.Broker;
import io.pgrealtime.gateway.broker.BrokerEventHandler;
import io.pgrealtime.gateway.broker.RedisBroker;
import io.pgrealtime.gateway.channel.BroadcastChannels;
import io.pgrealtime.gateway.channel.PresenceChannels;
import io.pgrealtime.gateway.config.GatewayConfig;
import io.pgrealtime.gateway.fanout.LoopFanout;
import io.pgrealtime.gateway.presence.ConnectionCounter;
import io.pgrealtime.gateway.presence.NodeLeaseSettings;
import io.pgrealtime.gateway.presence.PresenceManager;
import io.pgrealtime.gateway.presence.RedisConnectionCounter;
import io.pgrealtime.gateway.presence.RedisNodeRegistry;
import io.pgrealtime.gateway.presence.RedisPresenceManager;
import io.pgrealtime.gateway.stream.ConfigRegistry;
import io.pgrealtime.gateway.stream.StreamReader;
import io.pgrealtime.gateway.subscription.TableAccess;
import io.pgrealtime.gateway.subscription.TableChannels;
import io.pgrealtime.protocol.RedisKeys;
import io.pgrealtime.protocol.StreamId;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One gateway node's core, independent of transports and of Micronaut: configuration registry,
 * stream reader, channel services, authentication. Transports hold a reference and call into it.
 */
public final class Gateway implements AutoCloseable {
    private final GatewayConfig config;
    private final RedisKeys keys;
    private final RedisClient redis;
    private final ConfigRegistry registry = new ConfigRegistry();
    private final TableAccess access;
    private final TableChannels tables;
    private final LoopFanout fanout;
    private final StreamReader reader;
    private final TokenVerifier verifier;
    private final GatewayMetrics metrics;
    private final ExecutorService io;
    private final Broker broker;
    private final BroadcastChannels broadcasts;
    private final PresenceChannels presence;
    private final RedisNodeRegistry nodes;
    private final PresenceManager presenceManager;
    private final ConnectionCounter connections;
    private final io.pgrealtime.gateway.session.SessionPolicy policy;
    private final java.util.Map<io.netty.channel.EventLoop, io.pgrealtime.gateway.transport.LoopWriter> loopWriters =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<Object, Runnable> open = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean draining;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Gateway.class);
    /** Longest wait for Redis when the node stops (presence and counts are then left to other nodes' reapers). */
    static final java.time.Duration CLOSE_BUDGET = java.time.Duration.ofSeconds(3);

    public Gateway(GatewayConfig config, MeterRegistry meters) {
        this.config = config;
        this.keys = new RedisKeys(config.getKeyPrefix());
        this.redis = RedisClient.create(config.redisUri());
        AtomicInteger n = new AtomicInteger();
        this.io = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "gateway-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.access = new TableAccess(config.getAdminRole());
        this.policy = new io.pgrealtime.gateway.session.SessionPolicy(config.getMessagesPerMinute(),
                config.getMaxFrameBytes(), config.getSubscriptionsPerConnection(), config.getRoomsPerConnection(),
                config.getMaxPresenceStateBytes());
        StreamReader[] readerRef = new StreamReader[1];
        this.metrics = new GatewayMetrics(meters, this::subscriptionCount, () -> {
            StreamReader r = readerRef[0];
            long last = r == null ? 0 : r.lastCommitMicros();
            return last == 0 ? 0 : Math.max(0, System.currentTimeMillis() - last / 1000);
        });
        metrics.writes(meters, this::writeTotals);
        this.tables = new TableChannels(registry, access, io, config.getReplayLimit(), policy);
        this.fanout = new LoopFanout(tables::shards, config.getReplayLimit(), metrics::delivered, this::flushWriters);
        this.reader = new StreamReader(redis, keys, registry, new StreamReader.Sink() {
            @Override
            public void onChange(String table, StreamId id, byte[] json) {
                fanout.onChange(table, id, json);
            }

            @Override
            public void onBroadcast(String topic, String event, JsonNode payload) {
                databaseBroadcast(topic, event, payload);
            }

            @Override
            public void batchEnd() {
                // Each loop delivers its share of the batch without flushing, then flushes.
                fanout.batchEnd();
            }
        }, config.getStreamBlock());
        readerRef[0] = reader;
        BroadcastChannels[] broadcastsRef = new BroadcastChannels[1];
        this.broker = new RedisBroker(redis, keys, config.getNodeId(), new BrokerEventHandler() {
            @Override
            public void onMessage(String channel, String payload) {
                broadcastsRef[0].onBrokerMessage(channel, payload);
            }
        });
        this.broadcasts = new BroadcastChannels(broker, "bc:");
        broadcastsRef[0] = broadcasts;
        PresenceManager[] presenceRef = new PresenceManager[1];
        this.presence = new PresenceChannels(() -> presenceRef[0], config.getNodeId());
        this.nodes = new RedisNodeRegistry(redis, keys, config.getNodeId(), NodeLeaseSettings.ofTtl(config.getPresenceTtl()));
        this.presenceManager = new RedisPresenceManager(redis, keys, nodes, presence);
        presenceRef[0] = presenceManager;
        this.connections = new RedisConnectionCounter(redis, keys, nodes);
        this.tables.reader(reader);
        this.verifier = NimbusTokenVerifier.builder().settings(config.tokenSettings())
                .roleClaim(config.getRoleClaim()).rolesClaim(config.getRolesClaim()).build().prefetch();
    }

    /**
     * Registers an open client connection (either transport) with what tells it to go elsewhere:
     * a raw WebSocket close 1001, an Engine.IO close. Transports call {@link #closed} when it ends.
     */
    public void opened(Object connection, Runnable goAway) {
        open.put(connection, goAway);
    }

    /** The connection registered with {@link #opened} has ended. */
    public void closed(Object connection) {
        open.remove(connection);
    }

    /** Open connections of both transports on this node. */
    public int openConnections() {
        return open.size();
    }

    /** True once {@link #drain} has begun: transports refuse new connections with 503. */
    public boolean isDraining() {
        return draining;
    }

    /**
     * Stops taking connections and tells every open one to go away (raw WebSocket: close 1001
     * "going away"; Socket.IO: Engine.IO close, which stock clients reconnect on), then waits up to
     * {@code budget} for them to close. Clients reconnect to another node and resume from their last
     * event id.
     *
     * @return connections still open when the budget ran out
     */
    public int drain(java.time.Duration budget) {
        draining = true;
        int n = open.size();
        for (Runnable goAway : java.util.List.copyOf(open.values())) {
            try {
                goAway.run();
            } catch (RuntimeException e) {
                LOG.debug("go-away failed: {}", e.toString());
            }
        }
        long deadline = System.nanoTime() + budget.toNanos();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.info("node {}: told {} connections to reconnect elsewhere; {} still open", config.getNodeId(), n, open.size());
        return open.size();
    }

    /** The per-connection limits every transport applies. */
    public io.pgrealtime.gateway.session.SessionPolicy policy() {
        return policy;
    }

    /** A connection id unique across nodes. */
    public String nextConnectionId() {
        return java.util.UUID.randomUUID().toString();
    }

    public void start() {
        reader.start();
    }

    private int subscriptionCount() {
        return tables.subscriptionCount();
    }

    /** A {@code realtime.send} broadcast read from the control stream. */
    void databaseBroadcast(String topic, String event, JsonNode payload) {
        // Every node reads the control stream itself, so each delivers to its own subscribers only.
        broadcasts.deliverLocal(topicOf(topic), event, payload);
    }

    /** {@code realtime.send} channel to topic: {@code broadcast:x}, {@code room:x} and {@code x} all mean topic x. */
    static String topicOf(String channel) {
        if (channel.startsWith("broadcast:")) {
            return channel.substring("broadcast:".length());
        }
        if (channel.startsWith("room:")) {
            return channel.substring("room:".length());
        }
        return channel;
    }

    public BroadcastChannels broadcasts() {
        return broadcasts;
    }

    public PresenceChannels presence() {
        return presence;
    }

    public PresenceManager presenceManager() {
        return presenceManager;
    }

    public ConnectionCounter connections() {
        return connections;
    }

    public Broker broker() {
        return broker;
    }

    public GatewayConfig config() {
        return config;
    }

    public RedisKeys keys() {
        return keys;
    }

    public RedisClient redis() {
        return redis;
    }

    public ConfigRegistry registry() {
        return registry;
    }

    public TableChannels tables() {
        return tables;
    }

    public TableAccess access() {
        return access;
    }

    public TokenVerifier verifier() {
        return verifier;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public StreamReader reader() {
        return reader;
    }

    /** Totals of all loop writers: batches, messages, flushes (see {@link io.pgrealtime.gateway.transport.LoopWriter}). */
    public long[] writeTotals() {
        long[] t = new long[3];
        for (io.pgrealtime.gateway.transport.LoopWriter w : loopWriters.values()) {
            t[0] += w.batches();
            t[1] += w.messages();
            t[2] += w.flushes();
        }
        return t;
    }

    /**
     * Starts a batch on every loop writer that has messages waiting (a fan-out lane, after its
     * share of a batch: its connections' writers may belong to other loops, as after a Socket.IO
     * upgrade).
     */
    private void flushWriters() {
        for (io.pgrealtime.gateway.transport.LoopWriter w : loopWriters.values()) {
            w.flush();
        }
    }

    /** The batching writer of one event loop (one per loop, made on first use). */
    public io.pgrealtime.gateway.transport.LoopWriter loopWriter(io.netty.channel.EventLoop loop) {
        return loopWriters.computeIfAbsent(loop, l -> new io.pgrealtime.gateway.transport.LoopWriter(l,
                config.getWriteDelay().toNanos()));
    }

    public ExecutorService io() {
        return io;
    }

    /**
     * Test hook: stops this node as if its process died: presence and connection leases are no
     * longer refreshed and nothing is cleaned up, so other nodes must reap its members.
     */
    public void crashForTests() {
        reader.close();
        if (presenceManager instanceof RedisPresenceManager r) {
            r.crash();
        }
        if (connections instanceof RedisConnectionCounter r) {
            r.crash();
        }
        nodes.crash();
        broker.close();
    }

    /**
     * Stops reading, removes this node's presence members and connection counts and gives up its
     * lease. Bounded: if Redis does not answer within {@link #CLOSE_BUDGET} (it may be gone), the
     * Redis client is shut down, which fails the waiting calls, and what this node left behind is
     * reaped by the other nodes when its lease lapses.
     */
    @Override
    public void close() {
        Thread closer = new Thread(() -> {
            reader.close();
            broker.close();
            presenceManager.close();
            connections.close();
            nodes.close();
        }, "gateway-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(CLOSE_BUDGET.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            LOG.warn("node {}: Redis did not answer within {} ms while stopping; other nodes will reap this node's presence",
                    config.getNodeId(), CLOSE_BUDGET.toMillis());
        }
        io.shutdownNow();
        verifier.close();
        redis.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1));
    }
}
