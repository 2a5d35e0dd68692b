package io.pgrealtime.bench.gateway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * Inserts rows into {@code public.gw_bench(id, user_id, body)} at a steady rate, on one thread and
 * one JDBC connection (autocommit): one transaction of {@code rowsPerTx} rows every
 * {@code rowsPerTx / rowsPerSecond} seconds, on a fixed schedule (a late transaction does not
 * shift the ones after it; when the database is slower than the schedule the writer runs behind
 * and says so). Ids are consecutive and continue across runs.
 */
final class RateWriter implements AutoCloseable {
    static final String BODY = "x".repeat(100);

    private final PreparedStatement insert;
    private final int rowsPerTx;
    private final long intervalNanos;
    private final LongFunction<String> userId;
    private final long maxSeconds;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastId;
    private volatile long maxBehindNanos;
    private volatile SQLException failure;

    /**
     * @param firstId    the id of the first row written
     * @param userId     user_id of the row with a given id
     * @param maxSeconds the writer stops by itself after this long (a safety bound)
     */
    RateWriter(Connection connection, double rowsPerSecond, int rowsPerTx, long firstId, LongFunction<String> userId,
               long maxSeconds) throws SQLException {
        this.rowsPerTx = rowsPerTx;
        this.intervalNanos = (long) (1e9 * rowsPerTx / rowsPerSecond);
        this.userId = userId;
        this.maxSeconds = maxSeconds;
        this.lastId = firstId - 1;
        StringBuilder sql = new StringBuilder("INSERT INTO public.gw_bench (id, user_id, body) VALUES ");
        for (int i = 0; i < rowsPerTx; i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?)");
        }
        connection.setAutoCommit(true);
        this.insert = connection.prepareStatement(sql.toString());
        this.thread = new Thread(this::loop, "rate-writer");
        this.thread.setDaemon(true);
    }

    RateWriter start() {
        thread.start();
        return this;
    }

    private void loop() {
        long start = System.nanoTime();
        long stopAt = start + TimeUnit.SECONDS.toNanos(maxSeconds);
        long next = start;
        long id = lastId;
        try {
            while (running && System.nanoTime() < stopAt) {
                long now = System.nanoTime();
                if (now < next) {
                    LockSupport.parkNanos(next - now);
                    continue;
                }
                long behind = now - next;
                if (behind > maxBehindNanos) {
                    maxBehindNanos = behind;
                }
                int p = 1;
                for (int i = 0; i < rowsPerTx; i++) {
                    long rowId = id + 1 + i;
                    insert.setLong(p++, rowId);
                    insert.setString(p++, userId.apply(rowId));
                    insert.setString(p++, BODY);
                }
                insert.executeUpdate();
                id += rowsPerTx;
                lastId = id;
                next += intervalNanos;
            }
        } catch (SQLException e) {
            failure = e;
        }
    }

    /** The id of the last row committed. */
    long lastId() {
        return lastId;
    }

    /** How far behind its schedule the writer ever was, in ms. */
    double maxBehindMillis() {
        return maxBehindNanos / 1e6;
    }

    /** Stops after the transaction in progress and waits for the thread (bounded). */
    void stop() throws InterruptedException {
        running = false;
        thread.join(30_000);
        if (failure != null) {
            throw new IllegalStateException("writer failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() throws SQLException {
        running = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        insert.close();
    }
}
