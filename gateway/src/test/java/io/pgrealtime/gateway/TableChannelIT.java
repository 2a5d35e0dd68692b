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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Table channels end to end: PostgreSQL → relay → Redis → gateway → WebSocket client. */
@RealtimeIntegrationTest
class TableChannelIT {
    private static GatewayFixture fx;
    private static EmbeddedServer node;

    @BeforeAll
    static void start(TestDatabase db, TestRedis redis) {
        fx = new GatewayFixture(db, redis);
        node = fx.startNode("table-node");
        fx.createAndEnable("CREATE TABLE public.todos (id int PRIMARY KEY, title text, done boolean, user_id text)",
                "public.todos", "replica_identity_full => true", node);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void subscribeAckThenInsertUpdateDeleteArriveWithTheirRows() {
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("u1"))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.todos\",\"ref\":\"1\"}");
            JsonNode ack = c.awaitType("ack");
            assertThat(ack.toString()).isEqualTo("{\"type\":\"ack\",\"channel\":\"table:public.todos\",\"status\":\"subscribed\",\"ref\":\"1\"}");

            fx.db.execute("INSERT INTO public.todos VALUES (1, 'write tests', false, 'u1')",
                    "UPDATE public.todos SET done = true WHERE id = 1",
                    "DELETE FROM public.todos WHERE id = 1");
            List<JsonNode> events = c.changes("table:public.todos", 3, Duration.ofSeconds(15));
            JsonNode insert = events.get(0).get("payload");
            assertThat(insert.get("type").asText()).isEqualTo("INSERT");
            assertThat(insert.get("schema").asText()).isEqualTo("public");
            assertThat(insert.get("table").asText()).isEqualTo("todos");
            assertThat(insert.get("commit_timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(insert.get("record").toString())
                    .isEqualTo("{\"id\":1,\"title\":\"write tests\",\"done\":false,\"user_id\":\"u1\"}");
            assertThat(events.get(0).get("id").asText()).isEqualTo(insert.get("id").asText());
            JsonNode update = events.get(1).get("payload");
            assertThat(update.get("type").asText()).isEqualTo("UPDATE");
            assertThat(update.get("old_record").get("done").asBoolean()).isFalse();
            assertThat(update.get("record").get("done").asBoolean()).isTrue();
            assertThat(update.has("view")).as("no filter, no view").isFalse();
            JsonNode delete = events.get(2).get("payload");
            assertThat(delete.get("type").asText()).isEqualTo("DELETE");
            assertThat(delete.get("old_record").get("id").asInt()).isEqualTo(1);
            assertThat(delete.has("record")).isFalse();
        }
    }

    @Test
    void healthAndPrometheusShowTheNode() {
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("metrics"));
             io.micronaut.http.client.HttpClient http = io.micronaut.http.client.HttpClient.create(node.getURL())) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.todos\"}");
            c.awaitType("ack");
            fx.db.execute("INSERT INTO public.todos VALUES (50, 'count me', false, 'm')");
            c.changes("table:public.todos", 1, Duration.ofSeconds(15));
            String health = http.toBlocking().retrieve("/health");
            assertThat(health).contains("\"status\":\"UP\"").contains("\"streamReader\":true").contains("\"redis\":true");
            String metrics = http.toBlocking().retrieve("/prometheus");
            assertThat(metrics).containsPattern("gateway_connections \\d")
                    .contains("gateway_subscriptions")
                    .containsPattern("gateway_deliveries_total [1-9]")
                    .contains("gateway_delivery_latency_seconds")
                    .contains("gateway_slow_consumers_total")
                    .contains("gateway_stream_lag_ms");
        }
    }

    @Test
    void unsubscribeStopsDelivery() {
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("u2"))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:todos\"}");
            assertThat(c.awaitType("ack").get("channel").asText()).isEqualTo("table:public.todos");
            fx.db.execute("INSERT INTO public.todos VALUES (10, 'a', false, 'u2')");
            c.changes("table:public.todos", 1, Duration.ofSeconds(15));
            c.send("{\"type\":\"unsubscribe\",\"channel\":\"table:public.todos\",\"ref\":\"u\"}");
            JsonNode ack = c.awaitType("ack");
            assertThat(ack.get("status").asText()).isEqualTo("unsubscribed");
            assertThat(ack.get("ref").asText()).isEqualTo("u");
            fx.db.execute("INSERT INTO public.todos VALUES (11, 'b', false, 'u2')");
            assertThat(c.drain(Duration.ofMillis(1500))).noneMatch(m -> m.has("id"));
        }
    }
}
