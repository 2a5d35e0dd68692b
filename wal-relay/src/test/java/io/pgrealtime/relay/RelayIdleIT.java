package io.pgrealtime.relay;

import io.pgrealtime.relay.replication.ReplicationStep;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Writes that no subscriber can see must not make PostgreSQL keep WAL for the slot. */
@RealtimeIntegrationTest
class RelayIdleIT {

    @Test
    void confirmedFlushAdvancesWhileOnlyUnpublishedTablesChange(TestDatabase db, TestRedis redis) throws Exception {
        try (RelayFixture fx = new RelayFixture(db, redis)) {
            Relay relay = fx.start("idle");
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.step() == ReplicationStep.STREAMING);
            db.execute("CREATE TABLE public.unpublished (id serial PRIMARY KEY, pad text)");
            long start = fx.confirmedFlush();
            for (int round = 0; round < 5; round++) {
                db.execute("INSERT INTO public.unpublished (pad) SELECT repeat('x', 200) FROM generate_series(1, 2000)");
                Thread.sleep(400);
            }
            String walNow = db.queryOne("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint");
            await().atMost(Duration.ofSeconds(20)).until(() -> fx.confirmedFlush() >= Long.parseLong(walNow));
            assertThat(fx.confirmedFlush()).isGreaterThan(start);
            String lag = db.queryOne("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) FROM pg_replication_slots"
                    + " WHERE slot_name = '" + fx.slot + "'");
            assertThat(Double.parseDouble(lag)).as("slot lag bytes after idle period").isLessThan(64 * 1024);
        }
    }
}
