package io.pgrealtime.gateway.subscription;

import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * The subscriptions of one table on this node, split by the event loop their sessions are
 * delivered on ({@link io.pgrealtime.gateway.session.ClientSession#loop()}): one {@link TableIndex}
 * per loop, so that each loop matches and encodes for its own connections only, and a costly
 * filter costs the loop it lives on, not the node.
 *
 * <p>Copy-on-write like {@link TableIndex}: {@link #add}/{@link #remove} (rare, any thread)
 * publish a new array; {@link #shards()} is read by the fan-out without locking. A loop's shard
 * is dropped when its last subscription is removed.
 */
public final class TableShards {
    /** The subscriptions of the table whose sessions are delivered on {@code loop}. */
    public record Shard(Executor loop, TableIndex index) {
    }

    private static final Shard[] NONE = new Shard[0];

    private volatile Shard[] shards = NONE;
    private int size;

    public synchronized void add(TableSubscription sub) {
        Executor loop = sub.session().loop();
        Shard shard = find(loop);
        if (shard == null) {
            shard = new Shard(loop, new TableIndex());
            Shard[] next = Arrays.copyOf(shards, shards.length + 1);
            next[shards.length] = shard;
            shards = next;
        }
        shard.index().add(sub);
        size++;
    }

    public synchronized boolean remove(TableSubscription sub) {
        Shard shard = find(sub.session().loop());
        if (shard == null || !shard.index().remove(sub)) {
            return false;
        }
        size--;
        if (shard.index().size() == 0) {
            Shard[] next = new Shard[shards.length - 1];
            int n = 0;
            for (Shard s : shards) {
                if (s != shard) {
                    next[n++] = s;
                }
            }
            shards = next;
        }
        return true;
    }

    /** Subscriptions of the table on this node, over all loops. */
    public synchronized int size() {
        return size;
    }

    /** The current shards, one per loop with subscriptions; the array must not be modified. */
    public Shard[] shards() {
        return shards;
    }

    private Shard find(Executor loop) {
        for (Shard s : shards) {
            if (s.loop() == loop) {
                return s;
            }
        }
        return null;
    }
}
