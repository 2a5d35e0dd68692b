package io.pgrealtime.relay.publish;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.pgrealtime.protocol.RedisKeys;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Appends transactions to Redis Streams over one pipelined connection, and says when each is
 * stored.
 *
 * <p>Contract: {@link #publish} queues a transaction's XADDs without waiting (call {@link #flush()}
 * to send what is queued); the returned future completes when Redis has answered every command of
 * that transaction and none failed. Redis answers one connection's commands in order, so when a
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
    private static final String SNAPSHOT_SCRIPT = loadScript();

    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> async;
    private final RedisKeys keys;
    private final long maxLen;
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
        this.connection.setAutoFlushCommands(false);
        this.async = connection.async();
        this.keys = keys;
        this.maxLen = maxLen;
        this.onDuplicate = onDuplicate;
    }

    private static String loadScript() {
        try (InputStream in = StreamPublisher.class.getResourceAsStream("/lua/config_snapshot.lua")) {
            if (in == null) {
                throw new IllegalStateException("missing /lua/config_snapshot.lua");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Queues a transaction; see the class contract. */
    public CompletableFuture<Void> publish(CommittedTransaction tx) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        RedisFuture<?> last = null;
        for (StreamEntry e : tx.entries()) {
            XAddArgs args = new XAddArgs().id(e.id());
            if (maxLen > 0) {
                args.maxlen(maxLen).approximateTrimming();
            }
            RedisFuture<String> f = async.xadd(e.key(), args, StreamEntry.FIELD, e.json());
            f.whenComplete((id, err) -> onAnswer(err));
            last = f;
        }
        if (tx.configSnapshot() != null) {
            RedisFuture<Long> f = async.eval(SNAPSHOT_SCRIPT, ScriptOutputType.INTEGER, new String[] {keys.config()},
                    lsnKey(tx.commitLsn()), tx.configSnapshot());
            f.whenComplete((r, err) -> onAnswer(err));
            last = f;
        }
        if (last == null) {
            done.complete(null);
            return done;
        }
        last.whenComplete((r, err) -> {
            Throwable failed = failure.get();
            if (failed != null) {
                done.completeExceptionally(failed);
            } else {
                done.complete(null);
            }
        });
        return done;
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
