package io.pgrealtime.relay.publish;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.pgrealtime.protocol.RedisKeys;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Appends transactions to Redis Streams over one pipelined connection, and says when each is
 * stored.
 *
 * <p>Contract: {@link #publish} queues a transaction's entries without waiting (call {@link #flush()}
 * to send what is queued); the returned future completes when Redis has stored every entry of
 * that transaction (and of every earlier one) and nothing failed. Entries go out in batches
 * through {@code xadd_batch.lua}, an XADD per entry inside one script call. Redis answers one connection's commands in order, so when a
 * transaction's last answer arrives, every earlier transaction has been answered too. An XADD
 * refused because its ID is not above the stream's top is a replay of something already stored
 * and counts as success ({@code duplicate}). Any other failure completes the future exceptionally
 * and poisons the publisher: no later transaction is reported stored, so nothing after a gap can
 * be confirmed to PostgreSQL. The caller then discards this publisher and starts over from the
 * slot's confirmed position.
 *
 * <p>Not thread-safe for {@link #publish}/{@link #flush} (the replication thread calls them);
 * completions run on Lettuce's event loop.
 */
public final class StreamPublisher implements AutoCloseable {
    private static final String SNAPSHOT_SCRIPT = loadScript("config_snapshot.lua");
    private static final String BATCH_SCRIPT = loadScript("xadd_batch.lua");
    /** Entries per {@code xadd_batch.lua} call. */
    static final int BATCH = 500;

    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> async;
    private final RedisKeys keys;
    private final long maxLen;
    private final String batchSha;
    private final List<StreamEntry> pending = new ArrayList<>();
    private final List<CompletableFuture<Void>> waiting = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final LongConsumer onDuplicate;

    /**
     * @param connection  a connection used by nobody else; switched to manual flushing
     * @param keys        key names
     * @param maxLen      approximate stream cap, 0 for none
     * @param onDuplicate called with 1 for every replayed entry Redis refused
     */
    public StreamPublisher(StatefulRedisConnection<String, String> connection, RedisKeys keys, long maxLen,
                           LongConsumer onDuplicate) {
        this.connection = connection;
        this.batchSha = connection.sync().scriptLoad(BATCH_SCRIPT);
        this.connection.setAutoFlushCommands(false);
        this.async = connection.async();
        this.keys = keys;
        this.maxLen = maxLen;
        this.onDuplicate = onDuplicate;
    }

    private static String loadScript(String name) {
        try (InputStream in = StreamPublisher.class.getResourceAsStream("/lua/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing /lua/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Queues a transaction; see the class contract. */
    public CompletableFuture<Void> publish(CommittedTransaction tx) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending.addAll(tx.entries());
        if (tx.configSnapshot() != null) {
            sendBatch();
            RedisFuture<Long> f = async.eval(SNAPSHOT_SCRIPT, ScriptOutputType.INTEGER, new String[] {keys.config()},
                    lsnKey(tx.commitLsn()), tx.configSnapshot());
            f.whenComplete((r, err) -> onAnswer(err));
            waiting.add(done);
            completeWaitingOn(f);
            return done;
        }
        waiting.add(done);
        if (pending.size() >= BATCH) {
            sendBatch();
        }
        return done;
    }

    /**
     * Sends the queued entries as {@code xadd_batch.lua} calls of at most {@value #BATCH} entries:
     * one command per batch instead of one per entry, which is what lets the relay keep up with
     * the WAL (per-command futures and replies dominated the cost). Transactions waiting for
     * these entries complete when the last call answers.
     */
    private void sendBatch() {
        RedisFuture<Long> last = null;
        int from = 0;
        while (from < pending.size()) {
            int to = Math.min(pending.size(), from + BATCH);
            String[] keysOf = new String[to - from];
            String[] args = new String[1 + 2 * (to - from)];
            args[0] = Long.toString(maxLen);
            for (int i = from; i < to; i++) {
                StreamEntry e = pending.get(i);
                keysOf[i - from] = e.key();
                args[1 + 2 * (i - from)] = e.id();
                args[2 + 2 * (i - from)] = e.json();
            }
            RedisFuture<Long> f = async.evalsha(batchSha, ScriptOutputType.INTEGER, keysOf, args);
            f.whenComplete((skipped, err) -> {
                if (err == null && skipped != null && skipped > 0) {
                    onDuplicate.accept(skipped);
                }
                onAnswer(err);
            });
            last = f;
            from = to;
        }
        pending.clear();
        if (last != null) {
            completeWaitingOn(last);
        }
    }

    /** Completes every waiting transaction when {@code f} (the last command queued) answers. */
    private void completeWaitingOn(RedisFuture<?> f) {
        List<CompletableFuture<Void>> batch = new ArrayList<>(waiting);
        waiting.clear();
        f.whenComplete((r, err) -> {
            Throwable failed = failure.get();
            for (CompletableFuture<Void> d : batch) {
                if (failed != null) {
                    d.completeExceptionally(failed);
                } else {
                    d.complete(null);
                }
            }
        });
    }

    private void onAnswer(Throwable err) {
        if (err == null) {
            return;
        }
        if (isDuplicate(err)) {
            onDuplicate.accept(1);
        } else {
            failure.compareAndSet(null, err);
        }
    }

    /** Whether Redis refused an XADD because the ID is not above the stream's top (a replay). */
    static boolean isDuplicate(Throwable err) {
        return err instanceof RedisCommandExecutionException
                && err.getMessage() != null
                && err.getMessage().contains("equal or smaller than the target stream top item");
    }

    /** The Lua script that stores a configuration snapshot only if it is newer than the stored one. */
    public static String snapshotScript() {
        return SNAPSHOT_SCRIPT;
    }

    /** Zero-padded so that the snapshot script can compare LSNs as strings. */
    public static String lsnKey(long lsn) {
        String s = Long.toUnsignedString(lsn);
        return "0".repeat(20 - s.length()) + s;
    }

    /** Sends everything queued. */
    public void flush() {
        sendBatch();
        connection.flushCommands();
    }

    /** The first non-duplicate failure, or null. */
    public Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() {
        connection.close();
    }
}
