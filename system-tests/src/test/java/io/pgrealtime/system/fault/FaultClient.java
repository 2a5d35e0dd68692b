package io.pgrealtime.system.fault;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A client of {@code public.fault_events} that behaves as a real application does: it subscribes
 * once, records the {@code seq} of every insert it receives (in arrival order) and the id of the last
 * event, and when its connection drops it connects to the next gateway of its list and subscribes
 * again with {@code since} = that id. The transports ({@link RawFaultClient}, {@link SioFaultClient})
 * call {@link #event}, {@link #subscribed}, {@link #dropped} and {@link #connectFailed}.
 */
abstract class FaultClient implements AutoCloseable {
    private static final int MAX_CONNECT_ATTEMPTS = 60;

    final String name;
    final String token;
    final int[] gatewayPorts;
    private final ScheduledExecutorService timers;

    /** Index (into {@link #gatewayPorts}) of the gateway of the current connection. */
    volatile int gateway;
    volatile boolean closing;

    /** Completes on the ack of the first subscribe. */
    final CompletableFuture<Void> firstSubscribe = new CompletableFuture<>();
    final List<String> errors = new CopyOnWriteArrayList<>();

    // Every insert received: seq and System.nanoTime() of its arrival, in arrival order.
    private long[] seqs = new long[4096];
    private long[] times = new long[4096];
    private int count;
    private String lastId;

    // Failover record (the last drop; drops counts them all).
    private int drops;
    private String dropReason;
    private long droppedAt;
    private int resumedOn = -1;
    private long resubscribeSentAt;
    private int countAtResubscribe = -1;
    private String resumedSince;
    private long resumeAckAt;
    private Boolean recovered;
    private long firstEventAfterResumeAt;

    FaultClient(String name, String token, int[] gatewayPorts, int firstGateway, ScheduledExecutorService timers) {
        this.name = name;
        this.token = token;
        this.gatewayPorts = gatewayPorts;
        this.gateway = firstGateway;
        this.timers = timers;
    }

    /** Opens a connection to gateway {@code gw} and subscribes there (with {@code since} when not null). */
    final void open(int gw, String since) {
        openAttempt(gw, since, 1);
    }

    /**
     * One connection attempt to gateway {@code gw}; the transport subscribes once connected (calling
     * {@link #subscribing} first) and reports a failure to connect with {@link #connectFailed}.
     */
    protected abstract void openAttempt(int gw, String since, int attempt);

    /** Closes the current connection (the test is over). */
    protected abstract void closeConnection();

    /** Starts: connects to its first gateway and subscribes. */
    final void start() {
        open(gateway, null);
    }

    // ---- called by the transports ----

    final synchronized void event(long seq, String id) {
        if (count == seqs.length) {
            seqs = Arrays.copyOf(seqs, count * 2);
            times = Arrays.copyOf(times, count * 2);
        }
        long now = System.nanoTime();
        seqs[count] = seq;
        times[count] = now;
        count++;
        lastId = id;
        if (countAtResubscribe >= 0 && firstEventAfterResumeAt == 0) {
            firstEventAfterResumeAt = now;
        }
    }

    /** The subscribe to gateway {@code gw} is about to be sent; for a resume, records when. */
    final synchronized void subscribing(int gw, String since) {
        gateway = gw;
        if (since != null) {
            resumedOn = gw;
            resubscribeSentAt = System.nanoTime();
            countAtResubscribe = count;
            resumedSince = since;
        }
    }

    /** The subscribe was acknowledged; {@code recovered} as the ack says (null when absent). */
    final void subscribed(boolean resume, Boolean recovered) {
        if (!resume) {
            firstSubscribe.complete(null);
            return;
        }
        synchronized (this) {
            resumeAckAt = System.nanoTime();
            this.recovered = recovered;
        }
    }

    final void error(String what) {
        errors.add(what);
    }

    /** The connection ended without us closing it: reconnect to the next gateway and resume. */
    final void dropped(String why) {
        if (closing) {
            return;
        }
        String since;
        synchronized (this) {
            drops++;
            dropReason = why;
            droppedAt = System.nanoTime();
            since = lastId;
            // A resume in progress is superseded by this one.
            countAtResubscribe = -1;
            resumeAckAt = 0;
            firstEventAfterResumeAt = 0;
            recovered = null;
        }
        if (since == null) {
            error("dropped (" + why + ") before receiving any event: cannot resume");
        }
        open((gateway + 1) % gatewayPorts.length, since);
    }

    /** A connection attempt failed: try the next gateway after a short pause. */
    final void connectFailed(int gw, String since, int attempt, String why) {
        if (closing) {
            return;
        }
        if (attempt >= MAX_CONNECT_ATTEMPTS) {
            error("gave up connecting after " + attempt + " attempts: " + why);
            return;
        }
        timers.schedule(() -> {
            if (!closing) {
                openAttempt((gw + 1) % gatewayPorts.length, since, attempt + 1);
            }
        }, 250, TimeUnit.MILLISECONDS);
    }

    // ---- read by the test ----

    final synchronized long[] seqs() {
        return Arrays.copyOf(seqs, count);
    }

    final synchronized int count() {
        return count;
    }

    final synchronized long lastSeq() {
        return count == 0 ? 0 : seqs[count - 1];
    }

    /** Arrival time (nanoTime) of the first event with this seq, or -1. */
    final synchronized long receivedAt(long seq) {
        for (int i = 0; i < count; i++) {
            if (seqs[i] == seq) {
                return times[i];
            }
        }
        return -1;
    }

    final synchronized int drops() {
        return drops;
    }

    final synchronized String dropReason() {
        return dropReason;
    }

    final synchronized long droppedAt() {
        return droppedAt;
    }

    final synchronized int resumedOn() {
        return resumedOn;
    }

    final synchronized long resubscribeSentAt() {
        return resubscribeSentAt;
    }

    final synchronized long resumeAckAt() {
        return resumeAckAt;
    }

    final synchronized Boolean recovered() {
        return recovered;
    }

    final synchronized long firstEventAfterResumeAt() {
        return firstEventAfterResumeAt;
    }

    final synchronized String resumedSince() {
        return resumedSince;
    }

    /** Seqs received on the resumed connection (after the resubscribe was sent). */
    final synchronized long[] seqsAfterResume() {
        return countAtResubscribe < 0 ? new long[0] : Arrays.copyOfRange(seqs, countAtResubscribe, count);
    }

    /** True once the resubscribe after a drop is acknowledged and an event arrived after it. */
    final synchronized boolean resumed() {
        return resumeAckAt != 0 && firstEventAfterResumeAt != 0;
    }

    @Override
    public final void close() {
        closing = true;
        try {
            closeConnection();
        } catch (RuntimeException ignored) {
            // Best effort at the end of the test.
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
