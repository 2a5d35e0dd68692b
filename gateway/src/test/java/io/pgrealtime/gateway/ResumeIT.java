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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Reconnect with {@code since}: what was missed, then live, no gap and no duplicate. */
@RealtimeIntegrationTest
class ResumeIT {
    private static GatewayFixture fx;
    private static EmbeddedServer node;

    @BeforeAll
    static void start(TestDatabase db, TestRedis redis) {
        fx = new GatewayFixture(db, redis);
        node = fx.startNode("resume-node");
        fx.createAndEnable("CREATE TABLE public.feed (id int PRIMARY KEY, body text)", "public.feed", "", node);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static List<Integer> ids(List<JsonNode> events) {
        List<Integer> out = new ArrayList<>();
        events.forEach(e -> out.add(e.get("payload").get("record").get("id").asInt()));
        return out;
    }

    @Test
    void reconnectWithSinceGetsExactlyTheMissedEventsInOrderThenLiveOnes() {
        String token = fx.token("reader");
        String lastId;
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), token)) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.feed\"}");
            c.awaitType("ack");
            fx.db.execute("INSERT INTO public.feed VALUES (0, 'seen')");
            lastId = c.changes("table:public.feed", 1, Duration.ofSeconds(15)).get(0).get("id").asText();
        }
        // 1,000 rows while the client is away, in 100 transactions.
        for (int tx = 0; tx < 100; tx++) {
            fx.db.execute("INSERT INTO public.feed SELECT g, 'missed' FROM generate_series(" + (tx * 10 + 1) + ", "
                    + (tx * 10 + 10) + ") g");
        }
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), token)) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.feed\",\"since\":\"" + lastId + "\",\"ref\":\"r\"}");
            JsonNode ack = c.awaitType("ack");
            assertThat(ack.get("recovered").asBoolean()).isTrue();
            assertThat(ack.get("ref").asText()).isEqualTo("r");
            List<JsonNode> missed = c.changes("table:public.feed", 1000, Duration.ofSeconds(30));
            List<Integer> expected = new ArrayList<>();
            for (int i = 1; i <= 1000; i++) {
                expected.add(i);
            }
            assertThat(ids(missed)).containsExactlyElementsOf(expected);

            fx.db.execute("INSERT INTO public.feed SELECT g, 'live' FROM generate_series(1001, 1050) g");
            List<JsonNode> live = c.changes("table:public.feed", 50, Duration.ofSeconds(15));
            assertThat(ids(live)).startsWith(1001).endsWith(1050).hasSize(50);
            assertThat(c.drain(Duration.ofMillis(800))).as("no duplicate after the live rows").noneMatch(m -> m.has("id"));
        }
    }

    @Test
    void resumingWhileChangesKeepArrivingLosesAndDuplicatesNothing() throws Exception {
        fx.db.execute("CREATE TABLE public.busy (id int PRIMARY KEY)", "SELECT realtime.enable('public.busy')");
        org.awaitility.Awaitility.await().until(() -> GatewayFixture.gateway(node).registry().table("public.busy") != null);
        String token = fx.token("busy-reader");
        String lastId;
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), token)) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.busy\"}");
            c.awaitType("ack");
            fx.db.execute("INSERT INTO public.busy VALUES (0)");
            lastId = c.changes("table:public.busy", 1, Duration.ofSeconds(15)).get(0).get("id").asText();
        }
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= 600; i++) {
                fx.db.execute("INSERT INTO public.busy VALUES (" + i + ")");
            }
        });
        writer.start();
        Thread.sleep(300);
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), token)) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.busy\",\"since\":\"" + lastId + "\"}");
            assertThat(c.awaitType("ack").get("recovered").asBoolean()).isTrue();
            writer.join();
            List<JsonNode> events = c.changes("table:public.busy", 600, Duration.ofSeconds(30));
            List<Integer> ids = new ArrayList<>();
            events.forEach(e -> ids.add(e.get("payload").get("record").get("id").asInt()));
            Set<Integer> unique = new HashSet<>(ids);
            assertThat(unique).hasSize(600);
            assertThat(ids).isSorted();
            assertThat(c.drain(Duration.ofMillis(800))).noneMatch(m -> m.has("id"));
        }
    }

    @Test
    void aPositionThatWasTrimmedAwayIsReportedAsNotRecovered() {
        fx.db.execute("CREATE TABLE public.trimmed (id int PRIMARY KEY)", "SELECT realtime.enable('public.trimmed')");
        org.awaitility.Awaitility.await().until(() -> GatewayFixture.gateway(node).registry().table("public.trimmed") != null);
        String token = fx.token("late-reader");
        String firstId;
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), token)) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.trimmed\"}");
            c.awaitType("ack");
            fx.db.execute("INSERT INTO public.trimmed VALUES (0)");
            firstId = c.changes("table:public.trimmed", 1, Duration.ofSeconds(15)).get(0).get("id").asText();
        }
        fx.db.execute("INSERT INTO public.trimmed SELECT generate_series(1, 50)");
        String key = fx.redis.keyPrefix() + "changes:public.trimmed";
        org.awaitility.Awaitility.await().until(() -> lengthOf(key) == 51);
        // The stream cap (MAXLEN ~) trims old entries; do it by hand here.
        try (var client = new RedisCloser(fx.redis.newClient())) {
            client.connection().sync().xtrim(key, 10);
        }
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), token)) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.trimmed\",\"since\":\"" + firstId + "\"}");
            JsonNode ack = c.awaitType("ack");
            assertThat(ack.get("recovered").asBoolean()).isFalse();
            assertThat(c.drain(Duration.ofMillis(800))).as("nothing replayed when not recovered").noneMatch(m -> m.has("id"));
            fx.db.execute("INSERT INTO public.trimmed VALUES (100)");
            assertThat(c.changes("table:public.trimmed", 1, Duration.ofSeconds(15)).get(0).get("payload").get("record")
                    .get("id").asInt()).isEqualTo(100);
        }
    }

    private static long lengthOf(String key) {
        try (var client = new RedisCloser(fx.redis.newClient())) {
            return client.connection().sync().xlen(key);
        }
    }

    /** A Lettuce client and connection closed together. */
    private record RedisCloser(io.lettuce.core.RedisClient client, io.lettuce.core.api.StatefulRedisConnection<String, String> connection)
            implements AutoCloseable {
        RedisCloser(io.lettuce.core.RedisClient client) {
            this(client, client.connect());
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }
}
