package io.pgrealtime.gateway.fanout;

import io.netty.util.concurrent.EventExecutor;
import io.pgrealtime.gateway.subscription.TableIndex;
import io.pgrealtime.gateway.subscription.TableShards;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.ChangeEventJson;
import io.pgrealtime.protocol.StreamId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Hands the change events the stream reader reads to the event loops that have subscribers of
 * their table: the reader decodes each event once; each loop (a <em>lane</em>, with its own
 * {@link ChangeFanout}) then finds the candidates in its own {@link TableShards.Shard}, evaluates
 * their filters, encodes and queues the messages for its own connections. A subscriber whose
 * filter is costly therefore delays the connections of its own event loop, not the node.
 *
 * <p>Events go to a lane in chunks (one task for up to {@value #CHUNK} units of work); at the end of
 * each batch read from Redis every lane that got events gets its last chunk with a flush of the
 * loop writers, which runs after the lane delivered the batch (a loop runs its tasks in order).
 *
 * <p>Order: a session is delivered on one loop for its whole life, and each lane gets the events in
 * stream order, so each connection gets them in stream order. Each event reaches each matching
 * subscription once.
 *
 * <p>Back-pressure: a lane may have at most {@value #CAPACITY} units of work queued (an event is
 * one unit plus one per 64 KiB of its JSON); beyond that the reader waits for the loop, and so reads
 * Redis more slowly instead of queueing without bound. A loop that is that far behind (a costly
 * filter on large rows, say) does then hold up the others.
 *
 * <p>Threads: {@link #onChange} and {@link #batchEnd} on the stream reader's thread only.
 */
public final class LoopFanout {
    private static final Logger LOG = LoggerFactory.getLogger(LoopFanout.class);

    /** Units of work one loop may have queued before the reader waits for it. */
    static final int CAPACITY = 1024;
    /** Units of work in one task. */
    static final int CHUNK = 64;
    /** An event costs one unit plus one per this many bytes of its JSON. */
    static final int BYTES_PER_UNIT = 64 * 1024;

    /** Receives, on the lane's loop, how many subscriptions got each event. */
    public interface Listener {
        void delivered(int n, long commitMicros);
    }

    private final Function<String, TableShards> tables;
    private final int maxHeld;
    private final Listener listener;
    private final Runnable flush;
    /** Reader thread only. */
    private final Map<Executor, Lane> lanes = new IdentityHashMap<>();
    private final List<Lane> used = new ArrayList<>();

    /**
     * @param tables  the subscriptions of a table by loop (null when none)
     * @param maxHeld live events a resuming subscription may hold
     * @param flush   flushes the loop writers (run on a lane's loop after each batch)
     */
    public LoopFanout(Function<String, TableShards> tables, int maxHeld, Listener listener, Runnable flush) {
        this.tables = tables;
        this.maxHeld = maxHeld;
        this.listener = listener;
        this.flush = flush;
    }

    /** One work queue per loop: its fan-out state and its room for queued work. */
    private static final class Lane {
        final Executor loop;
        final ChangeFanout fanout;
        final Semaphore room = new Semaphore(CAPACITY);
        Chunk chunk;
        boolean used;

        Lane(Executor loop, ChangeFanout fanout) {
            this.loop = loop;
            this.fanout = fanout;
        }
    }

    /** Events for one lane, delivered by one task on its loop. */
    private final class Chunk implements Runnable {
        final Lane lane;
        final TableIndex[] index = new TableIndex[CHUNK];
        final String[] channel = new String[CHUNK];
        final StreamId[] id = new StreamId[CHUNK];
        final ChangeEvent[] event = new ChangeEvent[CHUNK];
        final byte[][] json = new byte[CHUNK][];
        final long[] commitMicros = new long[CHUNK];
        int size;
        int cost;
        int permits;
        boolean flushAfter;

        Chunk(Lane lane) {
            this.lane = lane;
        }

        boolean full() {
            return size == CHUNK || cost >= CHUNK;
        }

        @Override
        public void run() {
            try {
                for (int i = 0; i < size; i++) {
                    try {
                        int n = lane.fanout.deliver(index[i], channel[i], id[i], event[i], json[i]);
                        if (commitMicros[i] != 0) {
                            listener.delivered(n, commitMicros[i]);
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("entry {} of {} not delivered: {}", id[i], channel[i], e.toString());
                    }
                }
                if (flushAfter) {
                    flush.run();
                }
            } finally {
                lane.room.release(permits);
            }
        }
    }

    /** A change read from a table stream, in stream order (reader thread). */
    public void onChange(String table, StreamId id, byte[] json) {
        TableShards t = tables.apply(table);
        TableShards.Shard[] shards = t == null ? null : t.shards();
        if (shards == null || shards.length == 0) {
            return;
        }
        ChangeEvent event = ChangeEventJson.decode(json);
        String channel = "table:" + table;
        long commit = event.commitTime() == null ? 0 : ChangeEventJson.toEpochMicros(event.commitTime());
        int cost = 1 + json.length / BYTES_PER_UNIT;
        for (TableShards.Shard shard : shards) {
            Lane lane = lanes.computeIfAbsent(shard.loop(), l -> new Lane(l, new ChangeFanout(maxHeld)));
            if (!lane.used) {
                lane.used = true;
                used.add(lane);
            }
            Chunk c = lane.chunk;
            if (c == null) {
                c = lane.chunk = new Chunk(lane);
            }
            int i = c.size++;
            c.index[i] = shard.index();
            c.channel[i] = channel;
            c.id[i] = id;
            c.event[i] = event;
            c.json[i] = json;
            c.commitMicros[i] = commit;
            c.cost += cost;
            if (c.full()) {
                submit(lane, false);
            }
        }
    }

    /** The end of a batch read from Redis: every lane that got events delivers the rest and flushes (reader thread). */
    public void batchEnd() {
        for (Lane lane : used) {
            lane.used = false;
            submit(lane, true);
        }
        used.clear();
    }

    private void submit(Lane lane, boolean flushAfter) {
        Chunk c = lane.chunk;
        lane.chunk = null;
        if (c == null) {
            c = new Chunk(lane);
        }
        c.flushAfter = flushAfter;
        c.permits = Math.min(c.cost, CAPACITY);
        if (!acquire(lane, c.permits)) {
            LOG.warn("{} events for a stopping event loop dropped", c.size);
            return;
        }
        try {
            lane.loop.execute(c);
        } catch (RejectedExecutionException e) {
            lane.room.release(c.permits);
            LOG.warn("{} events for a stopped event loop dropped", c.size);
        }
    }

    /** Waits for room in the lane; false if its loop stops meanwhile. */
    private static boolean acquire(Lane lane, int permits) {
        try {
            while (!lane.room.tryAcquire(permits, 100, TimeUnit.MILLISECONDS)) {
                if (lane.loop instanceof EventExecutor e && e.isShuttingDown()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
