package io.pgrealtime.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A client that stops reading is dropped with SLOW_CONSUMER; the others do not notice. */
@RealtimeIntegrationTest
class SlowConsumerIT {
    private static GatewayFixture fx;
    private static EmbeddedServer node;

    @BeforeAll
    static void start(TestDatabase db, TestRedis redis) {
        fx = new GatewayFixture(db, redis);
        // 4 MiB: room for a reading client's hiccups on a busy 2-CPU machine; the non-reading client
        // still overflows it (25 MB of events).
        node = fx.startNode("slow-node", Map.of("gateway.outbound-buffer-bytes", 4 * 1024 * 1024));
        fx.createAndEnable("CREATE TABLE public.firehose (id int PRIMARY KEY, pad text)", "public.firehose", "", node);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void aClientThatStopsReadingIsDroppedAndOthersKeepTheirLatency() {
        Gateway gw = GatewayFixture.gateway(node);
        try (WsClient slow = WsClient.connectNotReading(GatewayFixture.wsUrl(node), fx.token("slow"));
             WsClient fast = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("fast"))) {
            slow.send("{\"type\":\"subscribe\",\"channel\":\"table:public.firehose\"}");
            fast.send("{\"type\":\"subscribe\",\"channel\":\"table:public.firehose\"}");
            fast.awaitType("ack");
            await().atMost(Duration.ofSeconds(10)).until(() -> gw.tables().subscriptionCount() == 2);

            long heapBefore = usedHeapAfterGc();
            // ~25 MB of change events at a steady ~2,000 rows/s: far more than the socket buffers plus
            // the outbound buffer hold, at a rate a reading client keeps up with.
            int rows = 12_000;
            List<Long> latenciesMs = new ArrayList<>();
            for (int batch = 0; batch < 120; batch++) {
                fx.db.execute("INSERT INTO public.firehose SELECT g, repeat(md5(g::text), 60) FROM generate_series("
                        + (batch * 100 + 1) + ", " + (batch * 100 + 100) + ") g");
                sleep(40);
            }
            List<JsonNode> got = fast.changes("table:public.firehose", rows, Duration.ofSeconds(60));
            for (JsonNode e : got) {
                Instant commit = Instant.parse(e.get("payload").get("commit_timestamp").asText());
                latenciesMs.add(fast.receivedAt(e) - commit.toEpochMilli());
            }
            assertThat(got).hasSize(rows);

            await().atMost(Duration.ofSeconds(20)).until(() -> gw.tables().subscriptionCount() == 1);
            assertThat(gw.metrics().connections()).isEqualTo(1);
            assertThat(meterCount(gw)).isEqualTo(1.0);
            long heapAfter = usedHeapAfterGc();
            assertThat(heapAfter - heapBefore).as("heap growth after the slow client was dropped")
                    .isLessThan(64L * 1024 * 1024);

            // The fast client's events kept flowing: none waited behind the slow one's buffer.
            Collections.sort(latenciesMs);
            assertThat(latenciesMs.get(latenciesMs.size() / 2)).as("median commit-to-receive ms").isLessThan(1_000);

            // What the slow client finally reads ends with SLOW_CONSUMER and close 4008 (or the cut connection).
            slow.resumeReading();
            int status = slow.awaitClose(Duration.ofSeconds(20));
            assertThat(status).isIn(4008, 1006, -1);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static double meterCount(Gateway gw) {
        return gw.metrics().slowConsumers();
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
