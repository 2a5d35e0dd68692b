package io.pgrealtime.relay;

import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay process is killed with SIGKILL several times while 50,000 rows are written; afterwards
 * the stream holds every committed row exactly once, in commit order, and nothing rolled back.
 */
@RealtimeIntegrationTest
class RelayCrashIT {
    private static final int ROWS = 50_000;

    @Test
    void hardKillsLoseAndDuplicateNothing(TestDatabase db, TestRedis redis) throws Exception {
        try (RelayFixture fx = new RelayFixture(db, redis)) {
            // First start bootstraps the schema; the table must exist before the workload starts.
            Process first = startRelayProcess(fx, 0);
            await().atMost(Duration.ofSeconds(60)).until(() -> "1".equals(db.queryOne(
                    "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + fx.slot + "' AND active")));
            Workload.createTable(db, "crash_rows");
            Workload w = new Workload(db, "crash_rows", ROWS, 50, 7, 8_000);
            Thread writer = w.start();

            Process relay = first;
            List<Long> killedAt = new ArrayList<>();
            for (int kill = 1; kill <= 4; kill++) {
                Thread.sleep(ThreadLocalRandom.current().nextLong(2_500, 4_500));
                relay.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                killedAt.add(fx.streamLength("public.crash_rows"));
                relay = startRelayProcess(fx, kill);
            }
            writer.join(TimeUnit.MINUTES.toMillis(3));
            assertThat(w.error).isNull();
            assertThat(w.committed.get()).isEqualTo(ROWS);
            // Kills happened while the stream was filling, not before or after it.
            assertThat(killedAt).anyMatch(n -> n > 0 && n < ROWS);

            Process last = relay;
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> fx.streamLength("public.crash_rows") >= ROWS);
            last.destroy();
            last.waitFor(15, TimeUnit.SECONDS);

            Workload.assertExactlyOnceInOrder(fx.events("public.crash_rows"), ROWS);
        }
    }

    private static Process startRelayProcess(RelayFixture fx, int n) throws Exception {
        Path log = Path.of("target", "relay-crash-" + n + ".log");
        Files.createDirectories(log.getParent());
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "-Dmicronaut.server.port=-1",
                "-Drelay.database-url=" + fx.db.url(),
                "-Drelay.redis-url=" + fx.redis.uri(),
                "-Drelay.key-prefix=" + fx.redis.keyPrefix(),
                "-Drelay.slot-name=" + fx.slot,
                "-Drelay.node-id=crash-" + n,
                // A killed leader keeps its lease until the TTL runs out; keep the test short.
                "-Drelay.lease-ttl=3s",
                "-Drelay.lease-renew-interval=1s",
                "-Drelay.reconnect-backoff-min=100ms",
                "-Drelay.reconnect-backoff-max=1s",
                RelayApplication.class.getName());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .directory(new File(".")).start();
    }
}
