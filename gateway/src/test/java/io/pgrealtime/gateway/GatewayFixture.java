package io.pgrealtime.gateway;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.gateway.auth.JwtIssuer;
import io.pgrealtime.relay.Relay;
import io.pgrealtime.relay.config.RelayConfig;
import io.pgrealtime.relay.replication.ReplicationStep;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** A real relay and real gateway nodes on the test's PostgreSQL and Redis. */
public final class GatewayFixture implements AutoCloseable {
    public static final String SECRET = "integration-test-secret-of-at-least-32-bytes!";

    public final TestDatabase db;
    public final TestRedis redis;
    public final Relay relay;
    private final String slot;
    private final List<EmbeddedServer> nodes = new ArrayList<>();
    private final JwtIssuer issuer = JwtIssuer.hs256(SECRET);

    public GatewayFixture(TestDatabase db, TestRedis redis) {
        this.db = db;
        this.redis = redis;
        this.slot = db.uniqueName("gw_slot");
        RelayConfig c = new RelayConfig();
        c.setDatabaseUrl(db.url());
        c.setRedisUrl(redis.uri());
        c.setKeyPrefix(redis.keyPrefix());
        c.setSlotName(slot);
        c.setNodeId("relay-" + slot);
        c.setHeartbeatInterval(Duration.ofMillis(500));
        c.setStatusInterval(Duration.ofMillis(200));
        c.setReconnectBackoffMin(Duration.ofMillis(100));
        relay = new Relay(c, new SimpleMeterRegistry());
        relay.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.step() == ReplicationStep.STREAMING);
    }

    /** Starts a gateway node; extra properties override the defaults. */
    public EmbeddedServer startNode(String nodeId, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", -1);
        props.put("gateway.redis-url", redis.uri());
        props.put("gateway.key-prefix", redis.keyPrefix());
        props.put("gateway.jwt-secret", SECRET);
        props.put("gateway.node-id", nodeId);
        props.put("gateway.presence-ttl", "3s");
        props.put("gateway.stream-block", "200ms");
        // wal-relay is on the test classpath (it feeds the streams); its bean must not start in the gateway.
        props.put("relay.enabled", false);
        props.putAll(extra);
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
        nodes.add(server);
        return server;
    }

    public EmbeddedServer startNode(String nodeId) {
        return startNode(nodeId, Map.of());
    }

    public static String wsUrl(EmbeddedServer node) {
        return "ws://127.0.0.1:" + node.getPort() + "/realtime";
    }

    public static Gateway gateway(EmbeddedServer node) {
        return node.getApplicationContext().getBean(GatewayService.class).gateway();
    }

    /** A token for {@code sub} with a role and extra claims, valid for an hour. */
    public String token(String sub, String role, Map<String, Object> claims) {
        Map<String, Object> c = new HashMap<>(claims);
        c.put("sub", sub);
        if (role != null) {
            c.put("role", role);
        }
        c.putIfAbsent("exp", Instant.now().plusSeconds(3600).getEpochSecond());
        return issuer.sign(c);
    }

    public String token(String sub) {
        return token(sub, "authenticated", Map.of());
    }

    /** Creates a table, enables realtime with the given extra arguments, and waits until gateways know it. */
    public void createAndEnable(String ddl, String table, String enableArgs, EmbeddedServer... waitFor) {
        db.execute(ddl, "SELECT realtime.enable('" + table + "'" + (enableArgs.isEmpty() ? "" : ", " + enableArgs) + ")");
        for (EmbeddedServer node : waitFor) {
            await().atMost(Duration.ofSeconds(20)).until(() -> gateway(node).registry().table(table) != null
                    && !gateway(node).registry().table(table).columns().isEmpty());
        }
    }

    public void stopNode(EmbeddedServer node) {
        node.getApplicationContext().close();
        nodes.remove(node);
    }

    @Override
    public void close() {
        for (EmbeddedServer n : List.copyOf(nodes)) {
            try {
                n.getApplicationContext().close();
            } catch (RuntimeException ignored) {
                // Already stopped by the test.
            }
        }
        relay.close();
        db.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot
                + "' AND NOT active");
    }
}
