package io.pgrealtime.relay;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgrealtime.relay.config.RelayConfig;
import io.pgrealtime.relay.replication.ReplicationStep;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica whose replication fails in a way nobody planned for must not keep the leader lease:
 * that was a leader that renewed its lease forever while streaming nothing. The lease TTL here is a
 * minute, so a standby can only take over in time if the failing leader gives the lease up.
 */
@RealtimeIntegrationTest
class RelayFailureIT {

    private static RelayConfig longLease(RelayFixture fx, String node) {
        RelayConfig c = fx.config(node);
        c.setLeaseTtl(Duration.ofSeconds(60));
        c.setLeaseRenewInterval(Duration.ofMillis(500));
        c.setReconnectBackoffMin(Duration.ofSeconds(2));
        c.setReconnectBackoffMax(Duration.ofSeconds(4));
        return c;
    }

    @Test
    void aSessionThatFailsUnexpectedlyReleasesTheLeaseSoAStandbyStreams(TestDatabase db, TestRedis redis) {
        db.execute("CREATE TABLE fail_items (id bigserial PRIMARY KEY, v text)");
        try (RelayFixture fx = new RelayFixture(db, redis)) {
            AtomicInteger attempts = new AtomicInteger();
            Relay faulty = fx.start(new Relay(longLease(fx, "faulty"), new SimpleMeterRegistry(), (cfg, client, metrics, steps) -> {
                attempts.incrementAndGet();
                // What a bug in configuration handling or decoding looks like from the outside.
                throw new IllegalArgumentException("simulated: Illegal character in path");
            }, (why, e) -> { }));
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 1);

            Relay healthy = fx.start(longLease(fx, "healthy"));
            await().atMost(Duration.ofSeconds(15)).until(() -> healthy.isLeader() && healthy.step() == ReplicationStep.STREAMING);
            assertThat(fx.redis().get(fx.keys.relayLeader())).isEqualTo("healthy");

            // The faulty replica goes on as a standby: it did not die, it does not lead, it says why.
            assertThat(faulty.isAlive()).isTrue();
            assertThat(faulty.isLeader()).isFalse();
            assertThat(faulty.isFailed()).isFalse();

            db.execute("SELECT realtime.enable('public.fail_items')", "INSERT INTO fail_items(v) VALUES ('after failover')");
            await().atMost(Duration.ofSeconds(15)).until(() -> fx.streamLength("public.fail_items") == 1);
        }
    }

    @Test
    void anErrorOnTheRelayThreadReleasesTheLeaseAndIsReportedAsFatal(TestDatabase db, TestRedis redis) {
        try (RelayFixture fx = new RelayFixture(db, redis)) {
            AtomicReference<Throwable> fatal = new AtomicReference<>();
            Relay dying = fx.start(new Relay(longLease(fx, "dying"), new SimpleMeterRegistry(), (cfg, client, metrics, steps) -> {
                throw new StackOverflowError("simulated");
            }, (why, e) -> fatal.set(e)));

            await().atMost(Duration.ofSeconds(10)).until(() -> fatal.get() != null);
            assertThat(fatal.get()).isInstanceOf(StackOverflowError.class);
            assertThat(dying.isFailed()).isTrue();
            assertThat(dying.isAlive()).isFalse();
            assertThat(dying.isLeader()).isFalse();
            assertThat(fx.redis().get(fx.keys.relayLeader())).isNull();
            // The renewal timer must not take the lease back for a dead thread.
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> fx.redis().get(fx.keys.relayLeader()) == null);
        }
    }
}
