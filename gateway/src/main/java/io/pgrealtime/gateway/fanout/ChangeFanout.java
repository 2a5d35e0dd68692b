package io.pgrealtime.gateway.fanout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.gateway.session.SharedFrame;
import io.pgrealtime.gateway.subscription.TableIndex;
import io.pgrealtime.gateway.subscription.TableSubscription;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.ChangeEventJson;
import io.pgrealtime.protocol.StreamId;
import io.pgrealtime.protocol.filter.CompiledFilter;

import java.nio.charset.StandardCharsets;

/**
 * Delivers one change event to the matching subscriptions of its table, applying the rules of
 * protocol.md §4: INSERT when the new row matches; UPDATE when the new row matches or, where the
 * old row is known, when only the old row matched ({@code view}: enter, stay, leave); DELETE when
 * the old row matches, and where only its key is known, when the filter names only key columns;
 * TRUNCATE to everyone.
 *
 * <p>Encode once: the message for each variant (view, full or keys payload) is built once per
 * event and the same bytes go to every subscriber of that variant; the stored event JSON is
 * spliced in without re-serialization. Confined to the fan-out thread.
 */
public final class ChangeFanout {
    private static final String[] VIEWS = {null, "enter", "stay", "leave"};

    private final int maxHeld;
    private long seq;
    @SuppressWarnings("unchecked")
    private final java.util.Map<Object, SharedFrame>[] encoded = new java.util.Map[VIEWS.length * 4];

    /** Per-event state, reused. */
    private String channel;
    private StreamId id;
    private ChangeEvent event;
    private byte[] json;
    private int delivered;

    public ChangeFanout(int maxHeld) {
        this.maxHeld = maxHeld;
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = new java.util.HashMap<>();
        }
    }

    /**
     * @param channel canonical channel name ({@code table:schema.table})
     * @param json    the event as stored by the relay (the payload sent to clients)
     * @return how many subscriptions received it
     */
    public int deliver(TableIndex index, String channel, StreamId id, ChangeEvent event, byte[] json) {
        this.channel = channel;
        this.id = id;
        this.event = event;
        this.json = json;
        this.delivered = 0;
        for (java.util.Map<Object, SharedFrame> m : encoded) {
            if (!m.isEmpty()) {
                m.clear();
            }
        }
        seq++;
        switch (event.operation()) {
            case INSERT -> index.candidates(event.record(), this::insert);
            case UPDATE -> {
                index.candidates(event.record(), this::update);
                if (event.oldRecord() != null) {
                    index.candidates(event.oldRecord(), this::update);
                }
            }
            case DELETE -> index.candidates(event.oldRecord(), this::delete);
            case TRUNCATE -> index.all(s -> {
                if (s.wants(event.operation())) {
                    send(s, 0);
                }
            });
        }
        this.event = null;
        this.json = null;
        return delivered;
    }



    /** The message a subscription would get for this event, or null if it would get none (used for replay). */
    public static byte[] messageFor(TableSubscription s, String channel, StreamId id, ChangeEvent event, byte[] json) {
        if (!s.wants(event.operation())) {
            return null;
        }
        int view = viewFor(s.filter(), event);
        if (view < 0) {
            return null;
        }
        int redact = redaction(s, event);
        return encode(s, id, redact == 0 ? event : redacted(event, redact), redact == 0 ? json : null, view);
    }

    /** Bit 1: the new row is not visible to the caller; bit 2: the old row is not. */
    private static final int NEW_HIDDEN = 1;
    private static final int OLD_HIDDEN = 2;

    /**
     * Which row versions of an UPDATE the caller's row filter hides. A subscription gets {@code leave}
     * when a row moves out of its row filter (to another tenant, say): it learns the row left, not
     * what it became; likewise {@code enter} does not show what the row was before.
     */
    static int redaction(TableSubscription s, ChangeEvent e) {
        CompiledFilter row = s.rowFilter();
        if (row == null || e.operation() != io.pgrealtime.protocol.Operation.UPDATE) {
            return 0;
        }
        int r = 0;
        if (e.record() != null && !row.matches(e.record())) {
            r |= NEW_HIDDEN;
        }
        if (e.oldRecord() != null && !row.matches(e.oldRecord())) {
            r |= OLD_HIDDEN;
        }
        return r;
    }

    /** The event with hidden row versions reduced to the primary key (new) or removed (old). */
    static ChangeEvent redacted(ChangeEvent e, int redact) {
        ObjectNode record = e.record();
        if ((redact & NEW_HIDDEN) != 0 && record != null) {
            record = record.deepCopy().retain(e.primaryKey());
        }
        ObjectNode old = (redact & OLD_HIDDEN) != 0 ? null : e.oldRecord();
        return new ChangeEvent(e.id(), e.lsn(), e.xid(), e.commitTime(), e.schema(), e.table(), e.operation(),
                e.primaryKey(), record, old, e.unchangedToast());
    }

    private void insert(TableSubscription s) {
        if (!s.wants(event.operation())) {
            return;
        }
        if (s.filter() == null || s.filter().matches(event.record())) {
            send(s, 0);
        }
    }

    private void update(TableSubscription s) {
        if (!s.mark(seq) || !s.wants(event.operation())) {
            return;
        }
        int view = viewFor(s.filter(), event);
        if (view >= 0) {
            send(s, view);
        }
    }

    private void delete(TableSubscription s) {
        if (!s.wants(event.operation())) {
            return;
        }
        if (s.filter() == null || (knows(event.oldRecord(), s.filter()) && s.filter().matches(event.oldRecord()))) {
            send(s, 0);
        }
    }

    /** Index into {@link #VIEWS}, or -1 when the subscription does not get the event. */
    static int viewFor(CompiledFilter f, ChangeEvent e) {
        if (f == null) {
            return 0;
        }
        switch (e.operation()) {
            case INSERT:
                return f.matches(e.record()) ? 0 : -1;
            case DELETE:
                return knows(e.oldRecord(), f) && f.matches(e.oldRecord()) ? 0 : -1;
            case TRUNCATE:
                return 0;
            default:
                boolean now = f.matches(e.record());
                boolean oldKnown = knows(e.oldRecord(), f);
                boolean before = oldKnown && f.matches(e.oldRecord());
                if (now && before) {
                    return 2;
                }
                if (now) {
                    return oldKnown ? 1 : 0;
                }
                return before ? 3 : -1;
        }
    }

    /** Whether a (possibly key-only) old row has every column the filter looks at. */
    private static boolean knows(ObjectNode row, CompiledFilter f) {
        if (row == null) {
            return false;
        }
        for (String c : f.columns()) {
            if (!row.has(c)) {
                return false;
            }
        }
        return true;
    }

    private void send(TableSubscription s, int view) {
        s.mark(seq);
        int redact = redaction(s, event);
        java.util.Map<Object, SharedFrame> cache = encoded[view * 4 + redact];
        SharedFrame m = cache.get(s.encodingKey());
        if (m == null) {
            m = new SharedFrame(redact == 0 ? encode(s, id, event, json, view)
                    : encode(s, id, redacted(event, redact), null, view));
            cache.put(s.encodingKey(), m);
        }
        delivered++;
        s.deliver(id, m, maxHeld);
    }

    /** {@code json} is the stored form of {@code event}, or null when the event was changed here. */
    private static byte[] encode(TableSubscription s, StreamId id, ChangeEvent event, byte[] json, int view) {
        if (json == null && !s.keysOnly()) {
            json = ChangeEventJson.encode(event);
        }
        if (s.keysOnly()) {
            byte[] reduced = keysOnly(event);
            return s.session().wire().change(s, id, ChangeEventJson.decode(reduced), reduced, VIEWS[view]);
        }
        return s.session().wire().change(s, id, event, json, VIEWS[view]);
    }

    /** The event with rows reduced to their primary key ({@code payload = 'keys'}). */
    private static byte[] keysOnly(ChangeEvent e) {
        ObjectNode record = e.record() == null ? null : e.record().deepCopy().retain(e.primaryKey());
        ObjectNode old = e.oldRecord() == null ? null : e.oldRecord().deepCopy().retain(e.primaryKey());
        ChangeEvent reduced = new ChangeEvent(e.id(), e.lsn(), e.xid(), e.commitTime(), e.schema(), e.table(),
                e.operation(), e.primaryKey(), record, old, java.util.List.of());
        return ChangeEventJson.encodeToString(reduced).getBytes(StandardCharsets.UTF_8);
    }
}
