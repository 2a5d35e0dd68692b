package io.pgrealtime.gateway.subscription;

import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.protocol.StreamId;
import io.pgrealtime.protocol.filter.CompiledFilter;

import java.util.ArrayList;
import java.util.List;

/**
 * One session's subscription to one table channel: the filter it asked for AND-ed with the row
 * filter its claims bind, compiled once against the table's columns.
 *
 * <p>A subscription made with {@code since} starts RECOVERING: live events are held back while
 * the missed ones are replayed from the stream, then released in order without duplicates, and
 * the subscription becomes LIVE. Delivery happens on the fan-out's lane for the session's
 * {@linkplain ClientSession#loop() loop} (always the same thread for one subscription); recovery
 * completes on an I/O thread; the two meet under this object's lock, taken only while recovering.
 */
public final class TableSubscription {
    private final ClientSession session;
    private final String channel;
    private final String table;
    private final CompiledFilter filter;
    private CompiledFilter rowFilter;
    private final boolean keysOnly;
    private final List<String> primaryKey;
    private final java.util.Set<io.pgrealtime.protocol.Operation> actions;
    private final Object encoding;
    private final Object encodingKey;
    /** The event sequence last delivered, so a subscription found twice (old and new row) gets it once. */
    private long lastSeq = -1;

    private volatile boolean live;
    private final java.util.concurrent.CompletableFuture<Void> answered = new java.util.concurrent.CompletableFuture<>();
    private List<Held> held;
    private StreamId lastReplayed;

    /** A live event held back during recovery. */
    private record Held(StreamId id, byte[] message) {
    }

    public TableSubscription(ClientSession session, String channel, String table, CompiledFilter filter,
                             boolean keysOnly, List<String> primaryKey, boolean recovering) {
        this(session, channel, table, filter, keysOnly, primaryKey, recovering, null, null);
    }

    /**
     * @param actions  operations delivered (null: all)
     * @param encoding identifies the encoded form of this subscription's messages (the same object
     *                 for subscriptions that receive identical bytes); null means "the wire and
     *                 channel alone decide"
     */
    public TableSubscription(ClientSession session, String channel, String table, CompiledFilter filter,
                             boolean keysOnly, List<String> primaryKey, boolean recovering,
                             java.util.Set<io.pgrealtime.protocol.Operation> actions, Object encoding) {
        this.actions = actions;
        this.encoding = encoding == null ? new RawEncoding(session.wire(), channel, keysOnly) : encoding;
        this.encodingKey = new EncodingKey(this.encoding);
        this.session = session;
        this.channel = channel;
        this.table = table;
        this.filter = filter;
        this.keysOnly = keysOnly;
        this.primaryKey = List.copyOf(primaryKey);
        this.live = !recovering;
        this.held = recovering ? new ArrayList<>() : null;
    }

    /** The default encoding identity: wire, channel name and payload mode. */
    record RawEncoding(Object wire, String channel, boolean keysOnly) {
    }

    /** An encoding identity with its hash computed once: the fan-out looks it up for every delivery. */
    private static final class EncodingKey {
        private final Object value;
        private final int hash;

        EncodingKey(Object value) {
            this.value = value;
            this.hash = value.hashCode();
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof EncodingKey k && k.hash == hash && (k.value == value || k.value.equals(value));
        }

        @Override
        public String toString() {
            return value.toString();
        }
    }

    private final String subscriptionId = io.pgrealtime.gateway.session.SessionPolicy.nextSubscriptionId();

    /** An id unique on this node, for clients that unsubscribe by id. */
    public String subscriptionId() {
        return subscriptionId;
    }

    /** Identity of the bytes this subscription receives; equal objects get the same bytes. */
    public Object encoding() {
        return encoding;
    }

    /** {@link #encoding()} as a map key whose hash is computed once (fan-out). */
    public Object encodingKey() {
        return encodingKey;
    }

    /** Whether this subscription receives events of this operation. */
    public boolean wants(io.pgrealtime.protocol.Operation op) {
        return actions == null || actions.contains(op);
    }

    public ClientSession session() {
        return session;
    }

    public String channel() {
        return channel;
    }

    public String table() {
        return table;
    }

    /** Sets the row filter alone (what the caller may see at all), before the subscription is indexed. */
    public void rowFilter(CompiledFilter f) {
        this.rowFilter = f;
    }

    /** The row filter bound to the caller's claims, or null: a row version it rejects is never shown. */
    public CompiledFilter rowFilter() {
        return rowFilter;
    }

    /** Null when every row is visible. */
    public CompiledFilter filter() {
        return filter;
    }

    public boolean keysOnly() {
        return keysOnly;
    }

    public List<String> primaryKey() {
        return primaryKey;
    }

    /** Marks event {@code seq} as handled; false if it already was (the delivering thread only). */
    public boolean mark(long seq) {
        if (lastSeq == seq) {
            return false;
        }
        lastSeq = seq;
        return true;
    }

    /**
     * Delivers a live event: queued for the session's next write, or held while recovering (the
     * delivering thread, which may be the session's own event loop).
     */
    public void deliver(StreamId id, io.pgrealtime.gateway.session.SharedFrame message, int maxHeld) {
        if (live) {
            // The replay (XRANGE) can run ahead of the stream reader: what it already sent is
            // skipped when the reader gets to it. (lastReplayed is written before live, which is volatile.)
            if (lastReplayed != null && id.compareTo(lastReplayed) <= 0) {
                return;
            }
            session.sendDeferred(message);
            return;
        }
        synchronized (this) {
            if (live) {
                if (lastReplayed != null && id.compareTo(lastReplayed) <= 0) {
                    return;
                }
                // Deferred like every live event, never written directly: on the session's own
                // event loop a direct write would overtake the replayed and held messages that
                // goLive queued in the loop's writer a moment ago.
                session.sendDeferred(message);
            } else if (held.size() >= maxHeld) {
                session.close(io.pgrealtime.gateway.session.CloseStatus.SLOW_CONSUMER,
                        "too many events arrived during recovery; resume with 'since' again");
            } else {
                held.add(new Held(id, message.bytes()));
            }
        }
    }

    /** Sends one replayed event (recovery thread). */
    public synchronized void replay(StreamId id, byte[] message) {
        if (message != null) {
            session.send(message);
        }
        lastReplayed = id;
    }

    /** Ends recovery: held live events after the last replayed one are sent, in order, and the subscription is live. */
    public synchronized void goLive() {
        if (live) {
            return;
        }
        for (Held h : held) {
            if (lastReplayed == null || h.id().compareTo(lastReplayed) > 0) {
                session.send(h.message());
            }
        }
        held = null;
        live = true;
    }

    /**
     * Completes once the subscribe has been answered (ack or error), so that an unsubscribe sent
     * right after it is answered after it, in request order.
     */
    public java.util.concurrent.CompletableFuture<Void> answered() {
        return answered;
    }

    public boolean isLive() {
        return live;
    }
}
