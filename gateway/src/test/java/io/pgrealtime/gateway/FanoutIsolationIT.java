package io.pgrealtime.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.gateway.subscription.TableShards;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10: a subscriber with a costly filter (64 {@code ilike} conditions, each scanning a 512 KiB
 * text value; 1 MiB is the largest event the gateway sends whole) delays the connections of its own event loop only. Clients on the node's other loop
 * get a plain row inserted after the costly ones before the costly subscriber does, and every
 * client gets every row once, in order.
 */
@RealtimeIntegrationTest
class FanoutIsolationIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int HEAVY_ROWS = 12;
    private static final int PLAIN_ID = 1000;

    private static GatewayFixture fx;
    private static EmbeddedServer node;

    @BeforeAll
    static void start(TestDatabase db, TestRedis redis) {
        fx = new GatewayFixture(db, redis);
        // Two worker event loops, so that connections are spread over two loops (round robin); an
        // outbound buffer that holds every row at once (the clients without a filter get them fast).
        node = fx.startNode("isolation-node", Map.of("micronaut.server.netty.worker.threads", 2,
                "micronaut.netty.event-loops.default.num-threads", 2, "gateway.outbound-buffer-bytes", 64 * 1024 * 1024));
        fx.createAndEnable("CREATE TABLE public.heavy_docs (id int PRIMARY KEY, body text NOT NULL)",
                "public.heavy_docs", "", node);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    /** 63 patterns that never match (each scans the whole value) and one that matches at the end. */
    private static String costlyFilter() {
        String or = IntStream.range(0, 64)
                .mapToObj(i -> "{\"body\":{\"ilike\":\"" + (i < 63 ? "%zq" + i + "x%" : "%match%") + "\"}}")
                .collect(Collectors.joining(","));
        return "{\"$or\":[" + or + "]}";
    }

    private static List<Integer> ids(List<JsonNode> events) {
        List<Integer> out = new ArrayList<>();
        events.forEach(e -> out.add(e.get("payload").get("record").get("id").asInt()));
        return out;
    }

    @Test
    void aCostlyFilterDelaysOnlyTheConnectionsOfItsOwnEventLoop() {
        Map<String, WsClient> clients = new LinkedHashMap<>();
        try {
            clients.put("costly", WsClient.connect(GatewayFixture.wsUrl(node), fx.token("costly")));
            for (int i = 1; i <= 4; i++) {
                clients.put("other-" + i, WsClient.connect(GatewayFixture.wsUrl(node), fx.token("other-" + i)));
            }
            for (Map.Entry<String, WsClient> c : clients.entrySet()) {
                String filter = c.getKey().equals("costly") ? ",\"filter\":" + costlyFilter() : "";
                c.getValue().send("{\"type\":\"subscribe\",\"channel\":\"table:public.heavy_docs\"" + filter + "}");
                assertThat(c.getValue().awaitType("ack").path("status").asText()).isEqualTo("subscribed");
            }
            // Which event loop each user's connection is delivered on.
            Map<String, Executor> loops = new HashMap<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                TableShards t = GatewayFixture.gateway(node).tables().shards("public.heavy_docs");
                loops.clear();
                for (TableShards.Shard s : t.shards()) {
                    s.index().all(sub -> loops.put(sub.session().principal().userId(), s.loop()));
                }
                return loops.size() == clients.size();
            });
            List<String> elsewhere = clients.keySet().stream()
                    .filter(u -> !u.equals("costly") && loops.get(u) != loops.get("costly")).toList();
            assertThat(elsewhere).as("connections on another event loop than the costly subscriber's").isNotEmpty();

            fx.db.execute("INSERT INTO public.heavy_docs SELECT g, repeat('a', 524288) || 'MATCH'"
                            + " FROM generate_series(1, " + HEAVY_ROWS + ") g",
                    "INSERT INTO public.heavy_docs VALUES (" + PLAIN_ID + ", 'match')");

            List<Integer> expected = new ArrayList<>(IntStream.rangeClosed(1, HEAVY_ROWS).boxed().toList());
            expected.add(PLAIN_ID);
            Map<String, Long> plainAt = new HashMap<>();
            for (Map.Entry<String, WsClient> c : clients.entrySet()) {
                List<JsonNode> got = c.getValue().changes("table:public.heavy_docs", expected.size(), WAIT);
                assertThat(ids(got)).as(c.getKey()).isEqualTo(expected);
                plainAt.put(c.getKey(), c.getValue().receivedAt(got.get(got.size() - 1)));
            }
            for (WsClient c : clients.values()) {
                assertThat(c.drain(Duration.ofMillis(300))).as("nothing twice")
                        .noneMatch(m -> "table:public.heavy_docs".equals(m.path("channel").asText()));
            }
            for (String u : elsewhere) {
                assertThat(plainAt.get(u)).as("%s got the plain row before the costly subscriber (%s)", u, plainAt)
                        .isLessThan(plainAt.get("costly"));
            }
        } finally {
            clients.values().forEach(WsClient::close);
        }
    }
}
