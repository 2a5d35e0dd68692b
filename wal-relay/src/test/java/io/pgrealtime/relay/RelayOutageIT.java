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

/** Redis and PostgreSQL go away and come back; nothing is confirmed that is not stored, nothing is lost. */
@RealtimeIntegrationTest
class RelayOutageIT {

    @Test
    void redisOutageConfirmsNothingAndLosesNothing(TestDatabase db, TestRedis redis) throws Exception {
        try (RelayFixture fx = new RelayFixture(db, redis)) {
            Relay relay = fx.start("outage");
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.step() == ReplicationStep.STREAMING);
            Workload.createTable(db, "outage_rows");
            Workload w = new Workload(db, "outage_rows", 8_000, 10, 9, 5_000);
            Thread writer = w.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> fx.streamLength("public.outage_rows") > 500);

            redis.server().stop();
            // Whatever the relay had confirmed before Redis went away may still reach PostgreSQL in
            // the next status update; after that, nothing moves while Redis is down.
            Thread.sleep(1_500);
            long confirmedAtStart = fx.confirmedFlush();
            long committedAtStart = w.committed.get();
            Thread.sleep(8_500);
            assertThat(w.committed.get()).as("writes went on during the outage").isGreaterThan(committedAtStart);
            assertThat(fx.confirmedFlush()).as("confirmed_flush_lsn during the Redis outage").isEqualTo(confirmedAtStart);
            assertThat(relay.isLeader() && relay.step() == ReplicationStep.STREAMING).isFalse();
            redis.server().start();

            writer.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(w.error).isNull();
            await().atMost(Duration.ofSeconds(60)).until(() -> fx.streamLength("public.outage_rows") >= 8_000);
            Workload.assertExactlyOnceInOrder(fx.events("public.outage_rows"), 8_000);
            await().atMost(Duration.ofSeconds(20)).until(() -> Long.compareUnsigned(fx.confirmedFlush(), confirmedAtStart) > 0);
        }
    }

    @Test
    void postgresRestartIsFollowedByReconnectAndNoLoss(TestDatabase db, TestRedis redis) throws Exception {
        try (RelayFixture fx = new RelayFixture(db, redis)) {
            Relay relay = fx.start("pg-restart");
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.step() == ReplicationStep.STREAMING);
            Workload.createTable(db, "restart_rows");
            Workload before = new Workload(db, "restart_rows", 1_000, 10, 0, 0);
            before.run();
            assertThat(before.error).isNull();

            db.server().stop();
            await().atMost(Duration.ofSeconds(20)).until(() -> relay.step() != ReplicationStep.STREAMING);
            db.server().start();
            await().atMost(Duration.ofSeconds(60)).until(() -> relay.step() == ReplicationStep.STREAMING);

            db.execute("INSERT INTO public.restart_rows (id, tx, v) SELECT g, 0, 'after' FROM generate_series(1001, 2000) g");
            await().atMost(Duration.ofSeconds(60)).until(() -> fx.streamLength("public.restart_rows") >= 2_000);
            Workload.assertExactlyOnceInOrder(fx.events("public.restart_rows"), 2_000);
        }
    }
}
