package io.pgrealtime.gateway.subscription;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.ChangeEventJson;
import io.pgrealtime.protocol.Operation;
import io.pgrealtime.protocol.StreamId;
import io.pgrealtime.protocol.filter.CompiledFilter;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What one change event looks like to one subscription (protocol.md §4): whether it gets the event
 * at all, with which {@code view}, with which row versions hidden by its row filter, and the bytes
 * of the message. Used by the live fan-out (which caches the bytes per variant) and by the replay
 * of a resuming subscription, so that both apply the same rules. Stateless.
 */
public final class ChangeMessages {
    /** The {@code view} of an UPDATE by variant number: none, enter, stay, leave. */
    static final String[] VIEWS = {null, "enter", "stay", "leave"};

    /** Number of view variants ({@link #viewFor} returns 0 .. VIEW_COUNT - 1). */
    public static final int VIEW_COUNT = VIEWS.length;

    /** Number of redaction variants ({@link #redaction} returns 0 .. REDACTION_COUNT - 1). */
    public static final int REDACTION_COUNT = 4;

    /** Bit 1: the new row is not visible to the caller; bit 2: the old row is not. */
    private static final int NEW_HIDDEN = 1;
    private static final int OLD_HIDDEN = 2;

    private ChangeMessages() {
    }

    /** The message a subscription would get for this event, or null if it would get none (used for replay). */
    public static byte[] messageFor(TableSubscription s, StreamId id, ChangeEvent event, byte[] json) {
        if (!s.wants(event.operation())) {
            return null;
        }
        int view = viewFor(s.filter(), event);
        if (view < 0) {
            return null;
        }
        return encode(s, id, event, json, view, redaction(s, event));
    }

    /**
     * Which row versions of an UPDATE the caller's row filter hides. A subscription gets {@code leave}
     * when a row moves out of its row filter (to another tenant, say): it learns the row left, not
     * what it became; likewise {@code enter} does not show what the row was before.
     */
    public static int redaction(TableSubscription s, ChangeEvent e) {
        CompiledFilter row = s.rowFilter();
        if (row == null || e.operation() != Operation.UPDATE) {
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

    /** The view variant (index into {@link #VIEWS}), or -1 when a subscription with this filter does not get the event. */
    public static int viewFor(CompiledFilter f, ChangeEvent e) {
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
    public static boolean knows(ObjectNode row, CompiledFilter f) {
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

    /**
     * The message for one variant.
     *
     * @param json   the stored form of {@code event} (spliced in unchanged when nothing is redacted)
     * @param view   from {@link #viewFor}
     * @param redact from {@link #redaction}
     */
    public static byte[] encode(TableSubscription s, StreamId id, ChangeEvent event, byte[] json, int view, int redact) {
        if (redact != 0) {
            event = redacted(event, redact);
            json = null;
        }
        if (s.keysOnly()) {
            byte[] reduced = keysOnly(event);
            return s.session().wire().change(s, id, ChangeEventJson.decode(reduced), reduced, VIEWS[view]);
        }
        if (json == null) {
            json = ChangeEventJson.encode(event);
        }
        return s.session().wire().change(s, id, event, json, VIEWS[view]);
    }

    /** The event with rows reduced to their primary key ({@code payload = 'keys'}). */
    private static byte[] keysOnly(ChangeEvent e) {
        ObjectNode record = e.record() == null ? null : e.record().deepCopy().retain(e.primaryKey());
        ObjectNode old = e.oldRecord() == null ? null : e.oldRecord().deepCopy().retain(e.primaryKey());
        ChangeEvent reduced = new ChangeEvent(e.id(), e.lsn(), e.xid(), e.commitTime(), e.schema(), e.table(),
                e.operation(), e.primaryKey(), record, old, List.of());
        return ChangeEventJson.encodeToString(reduced).getBytes(StandardCharsets.UTF_8);
    }
}
