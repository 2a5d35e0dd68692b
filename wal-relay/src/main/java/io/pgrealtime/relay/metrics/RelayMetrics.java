package io.pgrealtime.relay.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's Micrometer meters (Prometheus names in parentheses): events published
 * ({@code relay_events_published_total}), transactions published, replayed entries skipped as
 * duplicates, publish latency (commit to Redis acknowledgement), slot lag in bytes, leader state
 * (1 leader, 0 standby) and confirmed LSN. Thread-safe.
 */
public final class RelayMetrics {
    private final Counter events;
    private final Counter transactions;
    private final Counter duplicates;
    private final Counter reconnects;
    private final Timer publishLatency;
    private final AtomicLong slotLagBytes = new AtomicLong(-1);
    private final AtomicLong leader = new AtomicLong();
    private final AtomicLong confirmedLsn = new AtomicLong();

    public RelayMetrics(MeterRegistry registry) {
        events = Counter.builder("relay.events.published").description("change events stored in Redis").register(registry);
        transactions = Counter.builder("relay.transactions.published").description("transactions stored in Redis")
                .register(registry);
        duplicates = Counter.builder("relay.duplicates.skipped")
                .description("replayed entries Redis refused because they were already stored").register(registry);
        reconnects = Counter.builder("relay.sessions.restarted").description("replication sessions restarted after an error")
                .register(registry);
        publishLatency = Timer.builder("relay.publish.latency").description("commit time to Redis acknowledgement")
                .publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("relay.slot.lag.bytes", slotLagBytes, AtomicLong::get)
                .description("WAL bytes between the server's current position and the slot's confirmed flush")
                .register(registry);
        Gauge.builder("relay.leader", leader, AtomicLong::get).description("1 when this replica holds the lease")
                .register(registry);
        Gauge.builder("relay.confirmed.lsn", confirmedLsn, AtomicLong::get).description("last LSN confirmed to PostgreSQL")
                .register(registry);
    }

    public void published(int changeEvents, long commitMicros) {
        transactions.increment();
        if (changeEvents > 0) {
            events.increment(changeEvents);
            long nowMicros = System.currentTimeMillis() * 1000;
            publishLatency.record(Duration.ofNanos(Math.max(0, nowMicros - commitMicros) * 1000));
        }
    }

    public void duplicate(long n) {
        duplicates.increment(n);
    }

    public void restarted() {
        reconnects.increment();
    }

    public void slotLag(long bytes) {
        slotLagBytes.set(bytes);
    }

    public void leader(boolean isLeader) {
        leader.set(isLeader ? 1 : 0);
    }

    public void confirmed(long lsn) {
        confirmedLsn.set(lsn);
    }

    public double eventsPublished() {
        return events.count();
    }

    public double duplicatesSkipped() {
        return duplicates.count();
    }

    public long slotLagBytes() {
        return slotLagBytes.get();
    }
}
