package io.pgrealtime.relay;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The relay as deployed: a Micronaut application with health and Prometheus endpoints. */
@RealtimeIntegrationTest
class RelayApplicationIT {

    @Test
    void healthAndPrometheusShowTheStreamingLeader(TestDatabase db, TestRedis redis) {
        String slot = db.uniqueName("app_slot");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                "micronaut.server.port", -1,
                "relay.database-url", db.url(),
                "relay.redis-url", redis.uri(),
                "relay.key-prefix", redis.keyPrefix(),
                "relay.slot-name", slot,
                "relay.heartbeat-interval", "500ms"));
             HttpClient http = HttpClient.create(server.getURL())) {
            RelayService service = server.getApplicationContext().getBean(RelayService.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> service.relay().isLeader()
                    && service.relay().step().name().equals("STREAMING"));
            db.execute("CREATE TABLE public.app_rows (id int PRIMARY KEY)", "SELECT realtime.enable('public.app_rows')",
                    "INSERT INTO public.app_rows SELECT generate_series(1, 25)");
            await().atMost(Duration.ofSeconds(20)).until(() -> service.relay().metrics().eventsPublished() == 25.0);

            String health = http.toBlocking().retrieve("/health");
            assertThat(health).contains("\"status\":\"UP\"").contains("\"step\":\"STREAMING\"").contains("\"leader\":true");
            String metrics = http.toBlocking().retrieve("/prometheus");
            assertThat(metrics).contains("relay_events_published_total 25.0")
                    .contains("relay_leader 1.0")
                    .contains("relay_slot_lag_bytes")
                    .contains("relay_duplicates_skipped_total")
                    .contains("relay_publish_latency_seconds");
        } finally {
            db.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                    + slot + "' AND NOT active");
        }
    }
}
