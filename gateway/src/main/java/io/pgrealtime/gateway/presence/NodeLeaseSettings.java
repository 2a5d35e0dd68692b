package io.pgrealtime.gateway.presence;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing of node liveness ({@link RedisNodeRegistry}).
 *
 * <p>Bound: a node that dies without closing is reaped — its members announced as left, its
 * connections no longer counted — at most {@code leaseTtl + reaperInterval} after its last
 * successful lease refresh (plus the time of the reaping itself, milliseconds for thousands of
 * members), provided some other node is alive to reap it. With the defaults: about 12 s.
 *
 * @param leaseTtl        lifetime of a lease without refresh; default 10 s. Longer tolerates longer
 *                        GC pauses and Redis hiccups without a false reaping; shorter reaps faster.
 * @param refreshInterval how often a node extends its lease; default {@code leaseTtl / 3}, so two
 *                        refreshes may fail before the lease lapses. Must be below {@code leaseTtl}.
 * @param reaperInterval  how often each node looks for nodes without a lease; default
 *                        {@code leaseTtl / 5} (2 s)
 * @param reapBatchSize   connections (or users) removed per Lua call while reaping, so that one
 *                        call never blocks Redis for long; default 100
 */
public record NodeLeaseSettings(Duration leaseTtl, Duration refreshInterval, Duration reaperInterval, int reapBatchSize) {
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(10);
    public static final int DEFAULT_REAP_BATCH_SIZE = 100;

    public NodeLeaseSettings {
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        Objects.requireNonNull(reaperInterval, "reaperInterval");
        if (leaseTtl.toMillis() < 100) {
            throw new IllegalArgumentException("lease TTL must be at least 100 ms");
        }
        if (refreshInterval.isZero() || refreshInterval.isNegative() || refreshInterval.compareTo(leaseTtl) >= 0) {
            throw new IllegalArgumentException("refresh interval must be positive and below the lease TTL");
        }
        if (reaperInterval.isZero() || reaperInterval.isNegative()) {
            throw new IllegalArgumentException("reaper interval must be positive");
        }
        if (reapBatchSize < 1) {
            throw new IllegalArgumentException("reap batch size must be positive");
        }
    }

    /** The defaults: 10 s lease, refreshed every 3.3 s, reaper every 2 s. */
    public static NodeLeaseSettings defaults() {
        return ofTtl(DEFAULT_LEASE_TTL);
    }

    /** A lease of {@code ttl}, refreshed every {@code ttl / 3}, reaper every {@code ttl / 5}. */
    public static NodeLeaseSettings ofTtl(Duration ttl) {
        long ms = ttl.toMillis();
        return new NodeLeaseSettings(ttl, Duration.ofMillis(ms / 3), Duration.ofMillis(ms / 5), DEFAULT_REAP_BATCH_SIZE);
    }

    /** The longest a dead node's members stay, reaping time aside: {@code leaseTtl + reaperInterval}. */
    public Duration reapBound() {
        return leaseTtl.plus(reaperInterval);
    }
}
