package io.pgrealtime.relay;

import io.pgrealtime.relay.metrics.RelayMetrics;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgrealtime.protocol.RedisKeys;
import io.pgrealtime.relay.config.RelayConfig;
import io.pgrealtime.relay.leader.LeaderLease;
import io.pgrealtime.relay.replication.ReplicationSession;
import io.pgrealtime.relay.replication.ReplicationStep;
import io.pgrealtime.relay.replication.RelaySetupException;
import io.pgrealtime.relay.pgoutput.Lsn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One relay replica: waits for the leader lease, then runs replication sessions one after another
 * (with exponential backoff between failures) for as long as it holds the lease.
 *
 * <p>Guarantees: at most one replica streams (the lease, backed by the slot's exclusivity in
 * PostgreSQL); a replica that fails to renew its lease aborts its session at once; a session that
 * ends with any error (setup, I/O or a bug) releases the lease before the replica backs off, so a
 * standby may take over while this one waits; the lease is renewed only while the replica's
 * thread is alive, and an {@link Error} on that thread (or anything that escapes it) releases the
 * lease and is reported to the fatal handler, which ends a launched process;
 * {@link #close()} releases the lease so a standby takes over without waiting for the TTL;
 * {@link #crash()} (for fault tests) stops without releasing anything. Thread-safe.
 */
public final class Relay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    /** Longest wait between lease attempts while Redis is unreachable (a leader comes back soon after Redis). */
    private static final long MAX_LEASE_RETRY_MS = 2_000;

    private final RelayConfig config;
    private final RelayMetrics metrics;
    private final RedisKeys keys;
    private final RedisClient redisClient;
    private final ScheduledExecutorService timers;
    private StatefulRedisConnection<String, String> leaseConnection;
    private LeaderLease lease;
    private Thread thread;
    private volatile boolean running;
    private volatile boolean leader;
    private volatile ReplicationSession session;
    private volatile ReplicationStep step = ReplicationStep.STANDBY;
    private volatile String lastError;
    private volatile boolean failed;
    /** The last lease attempt could not reach Redis (logged once per outage, retried with backoff). */
    private boolean redisDown;
    private final SessionFactory sessions;
    private final java.util.function.BiConsumer<String, Throwable> fatal;

    /** Makes the replication session of each attempt (a seam for fault tests). */
    @FunctionalInterface
    public interface SessionFactory {
        ReplicationSession create(RelayConfig config, RedisClient redis, RelayMetrics metrics,
                                  java.util.function.Consumer<ReplicationStep> steps);
    }

    public Relay(RelayConfig config, MeterRegistry registry) {
        this(config, registry, ReplicationSession::new, (why, e) -> LOG.error("{}", why, e));
    }

    /**
     * @param sessions makes each attempt's session
     * @param fatal    told once when the replica's thread ends on an error it cannot recover from
     *                 (the lease is already released then); a process exits there
     */
    public Relay(RelayConfig config, MeterRegistry registry, SessionFactory sessions,
                 java.util.function.BiConsumer<String, Throwable> fatal) {
        this.config = config;
        this.sessions = sessions;
        this.fatal = fatal;
        this.metrics = new RelayMetrics(registry);
        this.keys = new RedisKeys(config.getKeyPrefix());
        this.redisClient = RedisClient.create(config.redisUri());
        this.redisClient.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(3)).build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(10)))
                .build());
        this.timers = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "relay-timers");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the replica's thread; returns at once. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "relay-" + config.getSlotName());
        thread.start();
        long hb = config.getHeartbeatInterval().toMillis();
        timers.scheduleWithFixedDelay(guarded("heartbeat", this::heartbeat), hb, hb, TimeUnit.MILLISECONDS);
        long renew = config.getLeaseRenewInterval().toMillis();
        timers.scheduleWithFixedDelay(guarded("lease renewal", this::renew), renew, renew, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(guarded("status", this::writeStatus), 1, 2, TimeUnit.SECONDS);
    }

    /**
     * A periodic task that survives its own failures: a scheduled executor silently cancels a task
     * that throws, which would stop lease renewal (or the heartbeat) while the process runs on.
     */
    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable e) {
                LOG.warn("relay {} task failed (will run again): {}", what, e.toString());
            }
        };
    }

    private void loop() {
        try {
            attempts();
        } catch (Throwable e) {
            // An Error (or a bug that escaped the attempt loop): this thread ends, so the lease must go.
            failed = true;
            lastError = "relay thread failed: " + e;
            step = ReplicationStep.STOPPED;
            releaseLease("the relay thread failed");
            fatal.accept("relay thread failed; lease released", e);
        }
    }

    private void attempts() {
        long backoff = config.getReconnectBackoffMin().toMillis();
        while (running) {
            step = ReplicationStep.STANDBY;
            if (!acquire()) {
                // Redis down: back off like a failed session; Redis up, another replica leads: poll.
                sleep(redisDown ? Math.min(backoff, MAX_LEASE_RETRY_MS) : config.getCandidatePollInterval().toMillis());
                if (redisDown) {
                    backoff = Math.min(backoff * 2, config.getReconnectBackoffMax().toMillis());
                }
                continue;
            }
            ReplicationSession s = null;
            boolean streamed = false;
            boolean failedAttempt = false;
            try {
                s = sessions.create(config, redisClient, metrics, st -> {
                    step = st;
                    if (st == ReplicationStep.STREAMING) {
                        lastError = null;
                    }
                });
                session = s;
                s.run();
            } catch (RelaySetupException e) {
                failedAttempt = true;
                lastError = "step " + e.step() + ": " + e.getMessage();
                LOG.warn("relay setup, step {}: {}", e.step(), e.getMessage());
            } catch (Exception e) {
                if (running && leader && (s == null || !s.isAborted())) {
                    failedAttempt = true;
                    lastError = "step " + step + ": " + e;
                    LOG.warn("replication session ended: {}", e.toString());
                } else {
                    LOG.info("replication session stopped");
                }
            } finally {
                streamed = step == ReplicationStep.STREAMING;
                if (s != null) {
                    s.close();
                }
                session = null;
            }
            if (streamed) {
                backoff = config.getReconnectBackoffMin().toMillis();
            }
            if (running) {
                if (failedAttempt) {
                    // Let a standby try while this replica backs off (it may be healthy where we are not).
                    releaseLease("its replication session failed");
                }
                metrics.restarted();
                sleep(backoff);
                backoff = Math.min(backoff * 2, config.getReconnectBackoffMax().toMillis());
            }
        }
        step = ReplicationStep.STOPPED;
    }

    private synchronized void releaseLease(String why) {
        if (leader && lease != null) {
            try {
                lease.release();
                LOG.info("relay {} released the leader lease: {}", config.getNodeId(), why);
            } catch (RuntimeException e) {
                LOG.warn("could not release the leader lease ({}); it lapses in {}", e.getMessage(), config.getLeaseTtl());
                dropLeaseConnection();
            }
        }
        setLeader(false);
    }

    private synchronized boolean acquire() {
        try {
            if (lease == null) {
                leaseConnection = redisClient.connect();
                lease = new LeaderLease(leaseConnection.sync(), keys.relayLeader(), config.getNodeId(), config.getLeaseTtl());
            }
            boolean got = lease.tryAcquire();
            if (got && !leader) {
                LOG.info("relay {} is now the leader", config.getNodeId());
            }
            if (!got) {
                // Redis answered and another replica leads: a healthy standby.
                lastError = null;
            }
            if (redisDown) {
                LOG.info("Redis reachable again for the leader lease");
                redisDown = false;
            }
            setLeader(got);
            return got;
        } catch (RuntimeException e) {
            lastError = "Redis unreachable: " + e.getMessage();
            if (!redisDown) {
                LOG.warn("Redis unreachable for the leader lease ({}); standing by, retrying with backoff", e.getMessage());
            } else {
                LOG.debug("Redis still unreachable for the leader lease: {}", e.getMessage());
            }
            redisDown = true;
            dropLeaseConnection();
            setLeader(false);
            return false;
        }
    }

    private synchronized void renew() {
        if (!leader || lease == null) {
            return;
        }
        Thread t = thread;
        if (t == null || !t.isAlive()) {
            // Never keep a lease for a thread that no longer streams.
            releaseLease("the relay thread is not running");
            return;
        }
        boolean ok;
        try {
            ok = lease.renew();
        } catch (RuntimeException e) {
            ok = false;
            dropLeaseConnection();
        }
        if (!ok) {
            LOG.warn("relay {} lost the leader lease; stopping the stream now", config.getNodeId());
            setLeader(false);
            ReplicationSession s = session;
            if (s != null) {
                s.abort();
            }
        }
    }

    private void dropLeaseConnection() {
        if (leaseConnection != null) {
            leaseConnection.closeAsync();
        }
        leaseConnection = null;
        lease = null;
    }

    private void setLeader(boolean value) {
        leader = value;
        metrics.leader(value);
    }

    private void heartbeat() {
        ReplicationSession s = session;
        if (s != null && step == ReplicationStep.STREAMING) {
            s.heartbeat();
        }
    }

    private void writeStatus() {
        ReplicationSession s = session;
        if (!leader || s == null) {
            return;
        }
        try (StatefulRedisConnection<String, String> c = redisClient.connect()) {
            c.sync().hset(keys.relayStatus(), Map.of(
                    "leader", config.getNodeId(),
                    "step", step.name(),
                    "confirmed_lsn", Lsn.valueOf(s.confirmedLsn()).toString(),
                    "slot_lag_bytes", Long.toString(metrics.slotLagBytes()),
                    "slot", config.getSlotName(),
                    "updated_at", Long.toString(System.currentTimeMillis())));
            c.sync().pexpire(keys.relayStatus(), config.getLeaseTtl().toMillis() * 2);
        } catch (RuntimeException e) {
            LOG.debug("relay status not written: {}", e.getMessage());
        }
    }

    public boolean isLeader() {
        return leader;
    }

    public ReplicationStep step() {
        return step;
    }

    /** True when the replica's thread ended on an unrecoverable error (the process should exit). */
    public boolean isFailed() {
        return failed;
    }

    /** True while the replica's thread runs (false after {@link #close()} or a fatal error). */
    public boolean isAlive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** What stopped the last attempt to stream (an actionable message), or null while streaming. */
    public String lastError() {
        return lastError;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public RelayConfig config() {
        return config;
    }

    /** Stops streaming, releases the lease, closes everything. */
    @Override
    public void close() {
        stop(true);
    }

    /** Stops as if the process died: the lease is not released and nothing more is confirmed. */
    public void crash() {
        stop(false);
    }

    private void stop(boolean releaseLease) {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        timers.shutdownNow();
        ReplicationSession s = session;
        if (s != null) {
            s.abort();
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (releaseLease) {
                releaseLease("stopping");
            }
            setLeader(false);
            if (leaseConnection != null) {
                leaseConnection.close();
            }
        }
        redisClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        step = ReplicationStep.STOPPED;
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
