package io.pgrealtime.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Two gateway nodes on one Redis: changes, broadcast, presence and connection limits span both. */
@RealtimeIntegrationTest
class ClusterIT {
    private static GatewayFixture fx;
    private static EmbeddedServer a;
    private static EmbeddedServer b;

    @BeforeAll
    static void start(TestDatabase db, TestRedis redis) {
        fx = new GatewayFixture(db, redis);
        a = fx.startNode("node-a", Map.of("gateway.connections-per-user", 3));
        b = fx.startNode("node-b", Map.of("gateway.connections-per-user", 3));
        fx.createAndEnable("CREATE TABLE public.orders (id int PRIMARY KEY, total numeric)", "public.orders", "", a, b);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void aDatabaseChangeReachesSubscribersOnBothNodes() {
        try (WsClient ca = WsClient.connect(GatewayFixture.wsUrl(a), fx.token("ua"));
             WsClient cb = WsClient.connect(GatewayFixture.wsUrl(b), fx.token("ub"))) {
            ca.send("{\"type\":\"subscribe\",\"channel\":\"table:public.orders\"}");
            cb.send("{\"type\":\"subscribe\",\"channel\":\"table:public.orders\"}");
            ca.awaitType("ack");
            cb.awaitType("ack");
            fx.db.execute("INSERT INTO public.orders VALUES (1, 9.99)");
            JsonNode ea = ca.changes("table:public.orders", 1, Duration.ofSeconds(15)).get(0);
            JsonNode eb = cb.changes("table:public.orders", 1, Duration.ofSeconds(15)).get(0);
            assertThat(ea.toString()).isEqualTo(eb.toString());
            assertThat(ea.get("payload").get("record").get("total").decimalValue()).isEqualByComparingTo("9.99");
        }
    }

    @Test
    void broadcastSpansNodesAndSkipsTheSenderUnlessSelf() {
        try (WsClient ca = WsClient.connect(GatewayFixture.wsUrl(a), fx.token("ba"));
             WsClient cb = WsClient.connect(GatewayFixture.wsUrl(b), fx.token("bb"))) {
            ca.send("{\"type\":\"subscribe\",\"channel\":\"broadcast:chat\"}");
            cb.send("{\"type\":\"subscribe\",\"channel\":\"broadcast:chat\"}");
            ca.awaitType("ack");
            cb.awaitType("ack");
            ca.send("{\"type\":\"broadcast\",\"channel\":\"broadcast:chat\",\"event\":\"message\",\"payload\":{\"message\":\"Hello World\",\"user\":\"john\"}}");
            JsonNode got = cb.awaitType("broadcast");
            // A client's broadcast names its sender (issue 10: it must not pass for a server broadcast).
            assertThat(got.path("sender").path("user_id").asText()).isEqualTo("ba");
            assertThat(got.path("sender").path("id").asText()).isNotBlank();
            assertThat(((com.fasterxml.jackson.databind.node.ObjectNode) got.deepCopy()).without("sender").toString())
                    .isEqualTo("{\"type\":\"broadcast\",\"channel\":\"broadcast:chat\",\"event\":\"message\","
                    + "\"payload\":{\"message\":\"Hello World\",\"user\":\"john\"}}");
            assertThat(ca.drain(Duration.ofMillis(600))).as("sender excluded").noneMatch(m -> "broadcast".equals(m.path("type").asText()));
            ca.send("{\"type\":\"broadcast\",\"channel\":\"broadcast:chat\",\"event\":\"echo\",\"payload\":{},\"self\":true,\"ref\":\"s\"}");
            assertThat(ca.await(m -> "broadcast".equals(m.path("type").asText())).get("event").asText()).isEqualTo("echo");
            assertThat(cb.awaitType("broadcast").get("event").asText()).isEqualTo("echo");
        }
    }

    @Test
    void databaseBroadcastFromRealtimeSendReachesBothNodes() {
        try (WsClient ca = WsClient.connect(GatewayFixture.wsUrl(a), fx.token("da"));
             WsClient cb = WsClient.connect(GatewayFixture.wsUrl(b), fx.token("db"))) {
            ca.send("{\"type\":\"subscribe\",\"channel\":\"broadcast:lobby\"}");
            cb.send("{\"type\":\"subscribe\",\"channel\":\"broadcast:lobby\"}");
            ca.awaitType("ack");
            cb.awaitType("ack");
            fx.db.execute("SELECT realtime.send('room:lobby', 'game:state', '{\"phase\":\"battle\"}'::jsonb)");
            for (WsClient c : List.of(ca, cb)) {
                JsonNode m = c.awaitType("broadcast");
                assertThat(m.get("channel").asText()).isEqualTo("broadcast:lobby");
                assertThat(m.get("event").asText()).isEqualTo("game:state");
                assertThat(m.get("payload").toString()).isEqualTo("{\"phase\":\"battle\"}");
            }
        }
    }

    @Test
    void presenceSpansNodesAndACrashedNodesMembersLeave() {
        EmbeddedServer c = fx.startNode("node-c");
        try (WsClient ann = WsClient.connect(GatewayFixture.wsUrl(a), fx.token("ann"));
             WsClient bob = WsClient.connect(GatewayFixture.wsUrl(c), fx.token("bob"))) {
            ann.send("{\"type\":\"subscribe\",\"channel\":\"presence:room-1\",\"state\":{\"name\":\"Ann\"}}");
            JsonNode sync = ann.await(m -> "sync".equals(m.path("event").asText()));
            assertThat(sync.get("members")).hasSize(1);
            assertThat(sync.get("members").get(0).get("user_id").asText()).isEqualTo("ann");
            assertThat(sync.get("members").get(0).get("state").get("name").asText()).isEqualTo("Ann");

            bob.send("{\"type\":\"subscribe\",\"channel\":\"presence:room-1\",\"state\":{\"name\":\"Bob\"}}");
            JsonNode bobSync = bob.await(m -> "sync".equals(m.path("event").asText()));
            List<String> users = new ArrayList<>();
            bobSync.get("members").forEach(m -> users.add(m.get("user_id").asText()));
            assertThat(users).containsExactlyInAnyOrder("ann", "bob");
            JsonNode join = ann.await(m -> "join".equals(m.path("event").asText()));
            assertThat(join.get("member").get("user_id").asText()).isEqualTo("bob");

            bob.send("{\"type\":\"presence\",\"channel\":\"presence:room-1\",\"state\":{\"typing\":true}}");
            JsonNode update = ann.await(m -> "join".equals(m.path("event").asText()));
            assertThat(update.get("member").get("state").get("typing").asBoolean()).isTrue();

            // Node c dies without a goodbye: its members leave once its lease (3 s here) runs out.
            long t0 = System.nanoTime();
            GatewayFixture.gateway(c).crashForTests();
            JsonNode leave = ann.await(m -> "leave".equals(m.path("event").asText()), Duration.ofSeconds(15));
            assertThat(leave.get("member").get("user_id").asText()).isEqualTo("bob");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        } finally {
            fx.stopNode(c);
        }
    }

    @Test
    void connectionsPerUserAreCountedAcrossNodes() {
        String token = fx.token("busy-user");
        try (WsClient c1 = WsClient.connect(GatewayFixture.wsUrl(a), token);
             WsClient c2 = WsClient.connect(GatewayFixture.wsUrl(b), token);
             WsClient c3 = WsClient.connect(GatewayFixture.wsUrl(a), token)) {
            for (WsClient c : List.of(c1, c2, c3)) {
                c.send("{\"type\":\"ping\"}");
                c.awaitType("pong");
            }
            try (WsClient c4 = WsClient.connect(GatewayFixture.wsUrl(b), token)) {
                JsonNode error = c4.awaitType("error");
                assertThat(error.get("code").asText()).isEqualTo("CONNECTION_LIMIT_EXCEEDED");
                assertThat(c4.awaitClose(Duration.ofSeconds(5))).isEqualTo(4029);
                assertThat(c4.closeReason()).isEqualTo("CONNECTION_LIMIT_EXCEEDED");
            }
        }
        // Closed connections give their slots back.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (WsClient again = WsClient.connect(GatewayFixture.wsUrl(b), token)) {
                again.send("{\"type\":\"ping\"}");
                assertThat(again.awaitType("pong")).isNotNull();
            }
        });
    }
}
