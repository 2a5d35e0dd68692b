package io.pgrealtime.gateway.fanout;

import io.pgrealtime.gateway.session.SharedFrame;
import io.pgrealtime.gateway.subscription.ChangeMessages;
import io.pgrealtime.gateway.subscription.TableIndex;
import io.pgrealtime.gateway.subscription.TableSubscription;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.StreamId;

import java.util.HashMap;
import java.util.Map;

/**
 * Delivers one change event to the matching subscriptions of its table, applying the rules of
 * protocol.md §4: INSERT when the new row matches; UPDATE when the new row matches or, where the
 * old row is known, when only the old row matched ({@code view}: enter, stay, leave); DELETE when
 * the old row matches, and where only its key is known, when the filter names only key columns;
 * TRUNCATE to everyone.
 *
 * <p>Encode once: the message for each variant (view, full or keys payload) is built once per
 * event and the same bytes go to every subscriber of that variant; the stored event JSON is
 * spliced in without re-serialization; the rules themselves are {@link ChangeMessages}'.
 *
 * <p>Not thread-safe: one instance per thread that delivers (each event loop's lane of
 * {@link LoopFanout}), and each subscription is delivered to by one instance only (its
 * {@link TableSubscription#mark} sequence belongs to that instance).
 */
public final class ChangeFanout {
    private final int maxHeld;
    private long seq;
    /** This event's messages by variant (view, redaction) and encoding identity. */
    @SuppressWarnings("unchecked")
    private final Map<Object, SharedFrame>[] encoded =
            new Map[ChangeMessages.VIEW_COUNT * ChangeMessages.REDACTION_COUNT];

    /** Per-event state, reused. */
    private String channel;
    private StreamId id;
    private ChangeEvent event;
    private byte[] json;
    private int delivered;

    public ChangeFanout(int maxHeld) {
        this.maxHeld = maxHeld;
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = new HashMap<>();
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
        for (Map<Object, SharedFrame> m : encoded) {
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
        int view = ChangeMessages.viewFor(s.filter(), event);
        if (view >= 0) {
            send(s, view);
        }
    }

    private void delete(TableSubscription s) {
        if (!s.wants(event.operation())) {
            return;
        }
        if (s.filter() == null || (ChangeMessages.knows(event.oldRecord(), s.filter()) && s.filter().matches(event.oldRecord()))) {
            send(s, 0);
        }
    }

    private void send(TableSubscription s, int view) {
        s.mark(seq);
        int redact = ChangeMessages.redaction(s, event);
        Map<Object, SharedFrame> cache = encoded[view * ChangeMessages.REDACTION_COUNT + redact];
        SharedFrame m = cache.get(s.encodingKey());
        if (m == null) {
            m = new SharedFrame(ChangeMessages.encode(s, id, event, json, view, redact));
            cache.put(s.encodingKey(), m);
        }
        delivered++;
        s.deliver(id, m, maxHeld);
    }
}
