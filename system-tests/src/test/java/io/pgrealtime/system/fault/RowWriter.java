package io.pgrealtime.system.fault;

import io.pgrealtime.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Inserts one row per transaction into {@code public.fault_events} at a steady rate, with
 * {@code seq} = 1, 2, 3, …, and records when each insert started and when its commit returned.
 * Only committed rows are counted: an insert that fails stops the writer and is reported.
 */
final class RowWriter implements AutoCloseable {
    private final TestDatabase db;
    private final long periodNanos;
    private final Thread thread;
    private volatile boolean stop;
    private volatile Throwable failure;

    // Index seq - 1.
    private long[] startedAt = new long[4096];
    private long[] committedAt = new long[4096];
    private int committed;

    RowWriter(TestDatabase db, int rowsPerSecond) {
        this.db = db;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / rowsPerSecond;
        this.thread = new Thread(this::run, "fault-writer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO public.fault_events(seq, payload) VALUES (?, ?)")) {
            c.setAutoCommit(true);
            long next = System.nanoTime();
            long seq = 1;
            while (!stop) {
                long start = System.nanoTime();
                ps.setLong(1, seq);
                ps.setString(2, "row " + seq);
                ps.executeUpdate();
                long done = System.nanoTime();
                record(start, done);
                seq++;
                next = Math.max(next + periodNanos, done);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    private synchronized void record(long start, long done) {
        if (committed == startedAt.length) {
            startedAt = Arrays.copyOf(startedAt, committed * 2);
            committedAt = Arrays.copyOf(committedAt, committed * 2);
        }
        startedAt[committed] = start;
        committedAt[committed] = done;
        committed++;
    }

    /** Stops after the insert in progress; returns the number of committed rows (seq 1..n). */
    int stopAndJoin() throws InterruptedException {
        stop = true;
        thread.join(10_000);
        if (thread.isAlive()) {
            throw new AssertionError("the writer did not stop");
        }
        return committed();
    }

    Throwable failure() {
        return failure;
    }

    synchronized int committed() {
        return committed;
    }

    /** When the commit of {@code seq} returned (nanoTime). */
    synchronized long committedAt(long seq) {
        return committedAt[(int) seq - 1];
    }

    /** The first seq whose insert started after {@code nanos}, or -1 when none yet. */
    synchronized long firstStartedAfter(long nanos) {
        for (int i = committed - 1; i >= 0; i--) {
            if (startedAt[i] <= nanos) {
                return i + 1 < committed ? i + 2 : -1;
            }
        }
        return committed > 0 ? 1 : -1;
    }

    @Override
    public void close() {
        stop = true;
    }
}
