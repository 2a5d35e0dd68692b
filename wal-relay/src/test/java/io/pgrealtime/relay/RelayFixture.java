package io.pgrealtime.relay;

import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.ChangeEventJson;
import io.pgrealtime.protocol.RedisKeys;
import io.pgrealtime.relay.config.RelayConfig;
import io.pgrealtime.relay.publish.StreamEntry;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds relays and reads streams for the relay's integration tests. */
final class RelayFixture implements AutoCloseable {
    final TestDatabase db;
    final TestRedis redis;
    final RedisKeys keys;
    final String slot;
    private final io.lettuce.core.resource.ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final List<Relay> relays = new ArrayList<>();

    RelayFixture(TestDatabase db, TestRedis redis) {
        this.db = db;
        this.redis = redis;
        this.keys = new RedisKeys(redis.keyPrefix());
        this.slot = db.uniqueName("slot");
        // Reconnect quickly after the Redis outage tests restart the server.
        this.resources = io.lettuce.core.resource.ClientResources.builder()
                .reconnectDelay(io.lettuce.core.resource.Delay.constant(Duration.ofMillis(200))).build();
        this.client = RedisClient.create(resources, redis.uri());
        this.client.setDefaultTimeout(Duration.ofSeconds(5));
        this.connection = client.connect();
    }

    RelayConfig config(String nodeId) {
        RelayConfig c = new RelayConfig();
        c.setDatabaseUrl(db.url());
        c.setRedisUrl(redis.uri());
        c.setKeyPrefix(redis.keyPrefix());
        c.setSlotName(slot);
        c.setNodeId(nodeId);
        c.setHeartbeatInterval(Duration.ofMillis(500));
        c.setStatusInterval(Duration.ofMillis(200));
        c.setReconnectBackoffMin(Duration.ofMillis(100));
        c.setReconnectBackoffMax(Duration.ofSeconds(1));
        return c;
    }

    Relay start(String nodeId) {
        return start(config(nodeId));
    }

    Relay start(RelayConfig config) {
        Relay r = new Relay(config, new SimpleMeterRegistry());
        relays.add(r);
        r.start();
        return r;
    }

    /** Starts a relay built by the test (a session factory or fatal handler of its own); closed with the fixture. */
    Relay start(Relay r) {
        relays.add(r);
        r.start();
        return r;
    }

    RedisCommands<String, String> redis() {
        return connection.sync();
    }

    /** Every event of a table stream, in stream order. */
    List<ChangeEvent> events(String qualifiedTable) {
        List<ChangeEvent> out = new ArrayList<>();
        for (StreamMessage<String, String> m : redis().xrange(keys.changes(qualifiedTable), io.lettuce.core.Range.create("-", "+"))) {
            out.add(ChangeEventJson.decode(m.getBody().get(StreamEntry.FIELD)).withId(m.getId()));
        }
        return out;
    }

    long streamLength(String qualifiedTable) {
        Long n = redis().xlen(keys.changes(qualifiedTable));
        return n == null ? 0 : n;
    }

    List<StreamMessage<String, String>> control() {
        return redis().xrange(keys.control(), io.lettuce.core.Range.create("-", "+"));
    }

    /** The slot's confirmed_flush_lsn as a number (0 when unknown). */
    long confirmedFlush() {
        String v = db.queryOne("SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint FROM pg_replication_slots WHERE slot_name = '"
                + slot + "'");
        return v == null ? 0 : Long.parseLong(v);
    }

    @Override
    public void close() {
        relays.forEach(Relay::close);
        connection.close();
        client.shutdown();
        resources.shutdown();
        db.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot
                + "' AND NOT active");
    }
}
