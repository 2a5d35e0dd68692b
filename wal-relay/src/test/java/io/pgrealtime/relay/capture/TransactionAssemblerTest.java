package io.pgrealtime.relay.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.ChangeEventJson;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.Operation;
import io.pgrealtime.protocol.RedisKeys;
import io.pgrealtime.protocol.config.TableConfig;
import io.pgrealtime.relay.pgoutput.PgOutputMessage;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Begin;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Commit;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Relation;
import io.pgrealtime.relay.pgoutput.PgValueConverter;
import io.pgrealtime.relay.pgoutput.RelationCache;
import io.pgrealtime.relay.pgoutput.RowDecoder;
import io.pgrealtime.relay.pgoutput.TupleData;
import io.pgrealtime.relay.publish.CommittedTransaction;
import io.pgrealtime.relay.pgoutput.Lsn;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionAssemblerTest {
    private static final int USERS = 16_384;
    private static final int CONFIG = 16_000;
    private static final Instant T = Instant.parse("2026-01-09T10:30:00.123456Z");

    private final ConfigState config = new ConfigState();
    private TransactionAssembler assembler;

    @BeforeEach
    void setUp() {
        RowDecoder decoder = new RowDecoder(PgValueConverter.builtinsOnly());
        RowConverter rows = new RowConverter() {
            @Override
            public ObjectNode row(Relation relation, TupleData tuple, List<String> unchanged) {
                var r = decoder.decode(relation, tuple);
                unchanged.addAll(r.unchangedToast());
                return r.row();
            }

            @Override
            public List<String> primaryKey(Relation relation) {
                return RowDecoder.keyColumnNames(relation);
            }
        };
        TableCatalog catalog = (schema, table) -> new TableCatalog.Columns(
                java.util.Map.of("id", "int4"), List.of("id"));
        assembler = new TransactionAssembler(new RelationCache(), rows, config, new RedisKeys("rt:"), catalog);
        assembler.accept(new Relation(USERS, "public", "users", 'd', List.of(
                new Relation.Column(true, "id", 23, -1),
                new Relation.Column(false, "name", 25, -1),
                new Relation.Column(false, "secret", 25, -1))));
    }

    private CommittedTransaction tx(long lsn, PgOutputMessage... changes) {
        assertThat(assembler.accept(new Begin(Lsn.valueOf(lsn), T, 42))).isNull();
        for (PgOutputMessage m : changes) {
            assertThat(assembler.accept(m)).isNull();
        }
        return assembler.accept(new Commit(0, Lsn.valueOf(lsn), Lsn.valueOf(lsn + 48), T));
    }

    private static ChangeEvent event(CommittedTransaction tx, int i) {
        return ChangeEventJson.decode(tx.entries().get(i).json());
    }

    @Test
    void idsAreCommitLsnAndIndexAndEveryChangeIsCountedEvenWhenSkipped() {
        config.put(new TableConfig("public", "users", EnumSet.of(Operation.INSERT, Operation.DELETE), false,
                List.of("authenticated"), null, List.of(), "full", false));
        CommittedTransaction tx = tx(1000,
                new PgOutputMessage.Insert(USERS, TupleData.ofText("1", "ann", "s1")),
                new PgOutputMessage.Update(USERS, (char) 0, null, TupleData.ofText("1", "anne", "s1")),
                new PgOutputMessage.Delete(USERS, 'K', TupleData.of(new char[] {'t', 'n', 'n'}, new String[] {"1", null, null})));
        assertThat(tx.commitLsn()).isEqualTo(1000);
        assertThat(tx.endLsn()).isEqualTo(1048);
        assertThat(tx.entries()).extracting(e -> e.id()).containsExactly("1000-0", "1000-2");
        assertThat(tx.entries()).allMatch(e -> e.key().equals("rt:changes:public.users"));
        assertThat(tx.changeCount()).isEqualTo(2);
        ChangeEvent delete = event(tx, 1);
        assertThat(delete.operation()).isEqualTo(Operation.DELETE);
        assertThat(delete.oldRecord().toString()).as("key-only old row").isEqualTo("{\"id\":1}");
        assertThat(delete.commitTime()).isEqualTo(T);
        assertThat(delete.xid()).isEqualTo(42);
    }

    @Test
    void tablesWithoutConfigurationProduceNothingButTheTransactionStillCommits() {
        CommittedTransaction tx = tx(2000, new PgOutputMessage.Insert(USERS, TupleData.ofText("1", "ann", "s")));
        assertThat(tx.entries()).isEmpty();
        assertThat(tx.configSnapshot()).isNull();
        assertThat(tx.endLsn()).isEqualTo(2048);
    }

    @Test
    void excludedColumnsNeverLeaveTheRelay() {
        config.put(new TableConfig("public", "users", EnumSet.allOf(Operation.class), true, List.of("authenticated"),
                null, List.of("secret"), "full", false));
        CommittedTransaction tx = tx(3000, new PgOutputMessage.Update(USERS, 'O',
                TupleData.ofText("1", "ann", "old-secret"), TupleData.ofText("1", "anne", "new-secret")));
        assertThat(tx.entries().get(0).json()).doesNotContain("secret");
        ChangeEvent e = event(tx, 0);
        assertThat(e.record().has("secret")).isFalse();
        assertThat(e.oldRecord().get("name").asText()).isEqualTo("ann");
    }

    @Test
    void unchangedToastIsNamedAndFilledFromTheFullOldRow() {
        config.put(TableConfig.defaults("public", "users"));
        TupleData newTuple = TupleData.of(new char[] {'t', 't', 'u'}, new String[] {"1", "anne", null});
        CommittedTransaction keyOnly = tx(4000, new PgOutputMessage.Update(USERS, (char) 0, null, newTuple));
        ChangeEvent a = event(keyOnly, 0);
        assertThat(a.record().has("secret")).isFalse();
        assertThat(a.unchangedToast()).containsExactly("secret");

        CommittedTransaction full = tx(5000, new PgOutputMessage.Update(USERS, 'O',
                TupleData.ofText("1", "ann", "big value"), newTuple));
        ChangeEvent b = event(full, 0);
        assertThat(b.record().get("secret").asText()).isEqualTo("big value");
        assertThat(b.unchangedToast()).containsExactly("secret");
    }

    @Test
    void configurationChangesApplyInWalOrderAndGoToTheControlStream() {
        assembler.accept(new Relation(CONFIG, "realtime", "tables", 'f', List.of(
                new Relation.Column(true, "schema_name", 25, -1),
                new Relation.Column(true, "table_name", 25, -1),
                new Relation.Column(true, "actions", 1009, -1))));
        CommittedTransaction tx = tx(6000,
                new PgOutputMessage.Insert(CONFIG, TupleData.ofText("public", "users", "{insert}")),
                new PgOutputMessage.Insert(USERS, TupleData.ofText("7", "zed", "s")));
        // The enable came first in the transaction, so the insert after it is published.
        assertThat(tx.entries()).extracting(e -> e.key()).containsExactly("rt:control", "rt:changes:public.users");
        assertThat(tx.entries()).extracting(e -> e.id()).containsExactly("6000-0", "6000-1");
        JsonNode control = read(tx.entries().get(0).json());
        assertThat(control.get("kind").asText()).isEqualTo("config");
        assertThat(control.get("op").asText()).isEqualTo("upsert");
        assertThat(control.get("table").get("actions").toString()).isEqualTo("[\"insert\"]");
        JsonNode snapshot = read(tx.configSnapshot());
        assertThat(snapshot.get("lsn").asText()).isEqualTo("6000");
        assertThat(snapshot.get("tables").get(0).get("table").asText()).isEqualTo("users");

        CommittedTransaction removal = tx(7000, new PgOutputMessage.Delete(CONFIG, 'O',
                TupleData.ofText("public", "users", "{insert}")),
                new PgOutputMessage.Insert(USERS, TupleData.ofText("8", "amy", "s")));
        assertThat(removal.entries()).extracting(e -> e.key()).containsExactly("rt:control");
        assertThat(read(removal.configSnapshot()).get("tables").size()).isZero();
    }

    @Test
    void sendMessagesBecomeBroadcastsAndOtherPrefixesAreIgnored() {
        byte[] body = "{\"channel\":\"room:lobby\",\"event\":\"game:state\",\"payload\":{\"phase\":\"battle\"}}"
                .getBytes(StandardCharsets.UTF_8);
        CommittedTransaction tx = tx(8000,
                new PgOutputMessage.Message(true, Lsn.valueOf(7990), "other.prefix", new byte[] {1}),
                new PgOutputMessage.Message(true, Lsn.valueOf(7995), TransactionAssembler.BROADCAST_PREFIX, body));
        assertThat(tx.entries()).hasSize(1);
        assertThat(tx.entries().get(0).id()).isEqualTo("8000-1");
        JsonNode b = read(tx.entries().get(0).json());
        assertThat(b.get("kind").asText()).isEqualTo("broadcast");
        assertThat(b.get("channel").asText()).isEqualTo("room:lobby");
        assertThat(b.get("payload").toString()).isEqualTo("{\"phase\":\"battle\"}");
    }

    @Test
    void truncateOfSeveralTablesGivesOneEventPerTable() {
        assembler.accept(new Relation(USERS + 1, "public", "orders", 'd', List.of(new Relation.Column(true, "id", 20, -1))));
        config.put(TableConfig.defaults("public", "users"));
        config.put(TableConfig.defaults("public", "orders"));
        CommittedTransaction tx = tx(9000, new PgOutputMessage.Truncate(true, false, new int[] {USERS, USERS + 1}));
        assertThat(tx.entries()).extracting(e -> e.key())
                .containsExactly("rt:changes:public.users", "rt:changes:public.orders");
        assertThat(event(tx, 1).operation()).isEqualTo(Operation.TRUNCATE);
        assertThat(event(tx, 1).record()).isNull();
    }

    private static JsonNode read(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
