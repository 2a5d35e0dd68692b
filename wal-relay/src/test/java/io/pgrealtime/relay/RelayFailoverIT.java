package io.pgrealtime.relay;

import io.pgrealtime.relay.replication.ReplicationStep;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two replicas: one streams, one waits; the leader dies without releasing its lease; the standby takes over. */
@RealtimeIntegrationTest
class RelayFailoverIT {

    @Test
    void standbyStreamsWithin15SecondsOfTheLeaderDyingAndNothingIsLostOrDuplicated(TestDatabase db, TestRedis redis)
            throws Exception {
        try (RelayFixture fx = new RelayFixture(db, redis)) {
            Relay a = fx.start("relay-a");
            await().atMost(Duration.ofSeconds(30)).until(() -> a.step() == ReplicationStep.STREAMING);
            Relay b = fx.start("relay-b");
            Workload.createTable(db, "failover_rows");
            Workload w = new Workload(db, "failover_rows", 6_000, 20, 5, 3_000);
            Thread writer = w.start();

            Thread.sleep(1_500);
            assertThat(b.isLeader()).isFalse();
            assertThat(b.step()).isEqualTo(ReplicationStep.STANDBY);
            assertThat(fx.redis().get(fx.keys.relayLeader())).isEqualTo("relay-a");

            long diedAt = System.nanoTime();
            a.crash();
            // The default lease (12 s TTL, renewed every 10 s) decides how soon the standby may take over.
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> b.step() == ReplicationStep.STREAMING);
            long tookOverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - diedAt);
            assertThat(tookOverMs).isLessThan(15_000);
            assertThat(fx.redis().get(fx.keys.relayLeader())).isEqualTo("relay-b");

            writer.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(w.error).isNull();
            await().atMost(Duration.ofSeconds(60)).until(() -> fx.streamLength("public.failover_rows") >= 6_000);
            Workload.assertExactlyOnceInOrder(fx.events("public.failover_rows"), 6_000);
        }
    }

    @Test
    void gracefulShutdownReleasesTheLeaseAtOnce(TestDatabase db, TestRedis redis) {
        try (RelayFixture fx = new RelayFixture(db, redis)) {
            Relay a = fx.start("relay-c");
            await().atMost(Duration.ofSeconds(30)).until(() -> a.step() == ReplicationStep.STREAMING);
            Relay b = fx.start("relay-d");
            a.close();
            assertThat(fx.redis().get(fx.keys.relayLeader())).isNotEqualTo("relay-c");
            await().atMost(Duration.ofSeconds(5)).until(() -> b.step() == ReplicationStep.STREAMING);
        }
    }

    @Test
    void aLeaderThatLosesItsLeaseStopsStreaming(TestDatabase db, TestRedis redis) {
        try (RelayFixture fx = new RelayFixture(db, redis)) {
            var cfg = fx.config("relay-e");
            cfg.setLeaseRenewInterval(Duration.ofMillis(300));
            Relay a = fx.start(cfg);
            await().atMost(Duration.ofSeconds(30)).until(() -> a.step() == ReplicationStep.STREAMING);
            // Someone else now holds the lease (e.g. after a partition): the next renewal fails.
            fx.redis().set(fx.keys.relayLeader(), "usurper");
            await().atMost(Duration.ofSeconds(5)).until(() -> !a.isLeader() && a.step() != ReplicationStep.STREAMING);
            assertThat(db.queryOne("SELECT active FROM pg_replication_slots WHERE slot_name = '" + fx.slot + "'"))
                    .isEqualTo("f");
            fx.redis().del(fx.keys.relayLeader());
            await().atMost(Duration.ofSeconds(10)).until(() -> a.step() == ReplicationStep.STREAMING);
        }
    }
}
