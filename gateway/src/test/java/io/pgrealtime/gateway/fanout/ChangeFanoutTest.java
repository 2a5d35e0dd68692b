package io.pgrealtime.gateway.fanout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.gateway.session.RecordingOutbound;
import io.pgrealtime.gateway.subscription.TableIndex;
import io.pgrealtime.gateway.subscription.TableSubscription;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.ChangeEventJson;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.Operation;
import io.pgrealtime.protocol.StreamId;
import io.pgrealtime.protocol.filter.CompiledFilter;
import io.pgrealtime.protocol.filter.FilterParser;
import io.pgrealtime.protocol.filter.TableSchema;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeFanoutTest {
    private static final TableSchema SCHEMA = TableSchema.builder().column("id", "int4").column("status", "text")
            .column("owner", "text").primaryKey("id").build();


    private static CompiledFilter filter(String json) {
        return json == null ? null : FilterParser.parse(json).compile(SCHEMA);
    }

    private static TableSubscription sub(RecordingOutbound r, String filter, boolean keys) {
        ClientSession s = new ClientSession("c", Principal.ANONYMOUS, r, "test", io.pgrealtime.gateway.transport.websocket.RawWire.INSTANCE);
        TableSubscription t = new TableSubscription(s, "table:public.t", "public.t", filter(filter), keys, List.of("id"), false);
        return t;
    }

    private static ObjectNode row(int id, String status) {
        return Json.object().put("id", id).put("status", status).put("owner", "u1");
    }

    /** One fan-out per table index, as in the gateway (its event sequence numbers only grow). */
    private final ChangeFanout fanout = new ChangeFanout(100);

    private int deliver(TableIndex index, Operation op, ObjectNode record, ObjectNode old) {
        ChangeEvent e = new ChangeEvent("5-0", 5, 1, Instant.parse("2026-01-01T00:00:00Z"), "public", "t", op,
                List.of("id"), record, old, List.of());
        byte[] json = ChangeEventJson.encode(e);
        return fanout.deliver(index, "table:public.t", StreamId.parse("5-0"), e, json);
    }

    @Test
    void updateViewsEnterStayLeaveAndNothing() {
        RecordingOutbound r = new RecordingOutbound();
        TableIndex index = new TableIndex();
        index.add(sub(r, "{\"status\":\"open\"}", false));
        deliver(index, Operation.UPDATE, row(1, "open"), row(1, "closed"));
        deliver(index, Operation.UPDATE, row(1, "open"), row(1, "open"));
        deliver(index, Operation.UPDATE, row(1, "closed"), row(1, "open"));
        deliver(index, Operation.UPDATE, row(1, "closed"), row(1, "closed"));
        assertThat(r.sent).hasSize(3);
        assertThat(r.sent.get(0)).endsWith(",\"view\":\"enter\"}}");
        assertThat(r.sent.get(1)).endsWith(",\"view\":\"stay\"}}");
        assertThat(r.sent.get(2)).endsWith(",\"view\":\"leave\"}}");
    }

    @Test
    void updateWithOnlyAKeyOldRowHasNoView() {
        RecordingOutbound r = new RecordingOutbound();
        TableIndex index = new TableIndex();
        index.add(sub(r, "{\"status\":\"open\"}", false));
        deliver(index, Operation.UPDATE, row(1, "open"), Json.object().put("id", 1));
        assertThat(r.sent).hasSize(1);
        assertThat(r.sent.get(0)).doesNotContain("\"view\"");
    }

    @Test
    void deleteWithKeyOnlyOldRowReachesKeyFiltersOnly() {
        RecordingOutbound byKey = new RecordingOutbound();
        RecordingOutbound byStatus = new RecordingOutbound();
        TableIndex index = new TableIndex();
        index.add(sub(byKey, "{\"id\":5}", false));
        index.add(sub(byStatus, "{\"status\":\"open\"}", false));
        assertThat(deliver(index, Operation.DELETE, null, Json.object().put("id", 5))).isEqualTo(1);
        assertThat(byKey.sent).hasSize(1);
        assertThat(byStatus.sent).isEmpty();
    }

    @Test
    void equalityIndexOnlyOffersMatchingSubscriptionsAndEncodesOnce() {
        TableIndex index = new TableIndex();
        List<RecordingOutbound> recorders = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            RecordingOutbound r = new RecordingOutbound();
            recorders.add(r);
            index.add(sub(r, "{\"id\":" + i + "}", false));
        }
        RecordingOutbound all = new RecordingOutbound();
        index.add(sub(all, null, false));
        List<TableSubscription> offered = new ArrayList<>();
        index.candidates(row(7, "open"), offered::add);
        assertThat(offered).hasSize(2);
        assertThat(deliver(index, Operation.INSERT, row(7, "open"), null)).isEqualTo(2);
        assertThat(recorders.get(7).sent).hasSize(1);
        assertThat(recorders.get(8).sent).isEmpty();
        assertThat(all.sent.get(0)).isEqualTo(recorders.get(7).sent.get(0));
    }

    @Test
    void keysPayloadCarriesOnlyThePrimaryKey() {
        RecordingOutbound r = new RecordingOutbound();
        TableIndex index = new TableIndex();
        index.add(sub(r, null, true));
        deliver(index, Operation.INSERT, row(3, "open"), null);
        assertThat(r.sent.get(0)).contains("\"record\":{\"id\":3}").doesNotContain("status");
    }

    @Test
    void removedSubscriptionsGetNothing() {
        RecordingOutbound r = new RecordingOutbound();
        TableIndex index = new TableIndex();
        TableSubscription s = sub(r, "{\"id\":1}", false);
        index.add(s);
        assertThat(index.remove(s)).isTrue();
        assertThat(index.size()).isZero();
        assertThat(deliver(index, Operation.INSERT, row(1, "open"), null)).isZero();
    }
}
