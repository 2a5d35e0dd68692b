package io.pgrealtime.relay.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.ChangeEventJson;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.Operation;
import io.pgrealtime.protocol.RedisKeys;
import io.pgrealtime.protocol.StreamId;
import io.pgrealtime.protocol.config.TableConfig;
import io.pgrealtime.relay.pgoutput.PgOutputDecoder;
import io.pgrealtime.relay.pgoutput.PgOutputMessage;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Begin;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Commit;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Delete;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Insert;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Message;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Relation;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Truncate;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Update;
import io.pgrealtime.relay.pgoutput.RelationCache;
import io.pgrealtime.relay.pgoutput.TupleData;
import io.pgrealtime.relay.publish.CommittedTransaction;
import io.pgrealtime.relay.publish.StreamEntry;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the pgoutput messages of one transaction into the stream entries the relay appends.
 *
 * <p>Contract: feed every message in WAL order to {@link #accept}; it returns a
 * {@link CommittedTransaction} at each Commit and null otherwise. Stream IDs are
 * {@code <commit LSN>-<index>}, where the index counts every change and transactional message of
 * the transaction whether or not it is published, so that a replay produces the same IDs even if
 * the configuration differs. Changes of {@code realtime.tables} update {@link ConfigState} in WAL
 * order and go to the control stream; {@code realtime.send} messages become broadcast entries on
 * the control stream. Tables without a configuration, and actions a table does not publish, are
 * skipped. Excluded columns are removed here, so they never reach Redis.
 *
 * <p>Confined to the replication thread.
 */
public final class TransactionAssembler {
    /** Prefix of {@code realtime.send} messages. */
    public static final String BROADCAST_PREFIX = "realtime.broadcast";
    /** Prefix of the relay's own heartbeat messages. */
    public static final String HEARTBEAT_PREFIX = "realtime.heartbeat";
    private static final String CONFIG_TABLE = "realtime.tables";

    private final RelationCache relations;
    private final RowConverter rows;
    private final ConfigState config;
    private final RedisKeys keys;
    private final TableCatalog catalog;
    private final java.util.Set<String> schemaChanged = new java.util.TreeSet<>();

    private boolean inTransaction;
    private long xid;
    private long commitLsn;
    private Instant commitTime;
    private int index;
    private int changes;
    private boolean configChanged;
    private List<StreamEntry> entries = new ArrayList<>();
    private final java.util.Map<Integer, List<String>> primaryKeys = new java.util.HashMap<>();

    public TransactionAssembler(RelationCache relations, RowConverter rows, ConfigState config, RedisKeys keys,
                                TableCatalog catalog) {
        this.catalog = catalog;
        this.relations = relations;
        this.rows = rows;
        this.config = config;
        this.keys = keys;
    }

    /** Processes one message; returns the transaction at its Commit, else null. */
    public CommittedTransaction accept(PgOutputMessage message) {
        if (message instanceof Begin b) {
            begin(b);
        } else if (message instanceof Commit c) {
            return commit(c);
        } else if (message instanceof Insert i) {
            change(i.relationOid(), Operation.INSERT, null, false, i.newTuple());
        } else if (message instanceof Update u) {
            change(u.relationOid(), Operation.UPDATE, u.oldTuple(), u.oldKind() == PgOutputMessage.OLD_KEY, u.newTuple());
        } else if (message instanceof Delete d) {
            change(d.relationOid(), Operation.DELETE, d.oldTuple(), d.oldKind() == PgOutputMessage.OLD_KEY, null);
        } else if (message instanceof Truncate t) {
            for (int oid : t.relationOids()) {
                change(oid, Operation.TRUNCATE, null, false, null);
            }
        } else if (message instanceof Relation r) {
            relations.put(r);
            primaryKeys.remove(r.oid());
            noteSchema(r);
        } else if (message instanceof PgOutputMessage.Type t) {
            relations.putType(t);
        } else if (message instanceof Message m) {
            message(m);
        }
        // Origin: the replication origin of a transaction applied by another replication; nothing to publish.
        return null;
    }

    /** Whether a Begin has been seen without its Commit. */
    public boolean inTransaction() {
        return inTransaction;
    }

    private void begin(Begin b) {
        inTransaction = true;
        xid = b.xid();
        commitLsn = b.finalLsn().asLong();
        commitTime = b.commitTime();
        index = 0;
        changes = 0;
        configChanged = false;
        entries = new ArrayList<>();
    }

    private CommittedTransaction commit(Commit c) {
        inTransaction = false;
        // Column changes are announced after the transaction's changes, at indexes above them, so
        // the IDs of the changes do not depend on where pgoutput chose to send a Relation message.
        for (String name : schemaChanged) {
            TableConfig tc = config.get(name);
            if (tc != null) {
                tc = complete(tc);
                config.put(tc);
                ObjectNode control = Json.object();
                control.put("kind", "config");
                control.put("lsn", Long.toUnsignedString(commitLsn));
                control.put("op", "upsert");
                control.set("table", tc.toJson());
                entries.add(new StreamEntry(keys.control(), new StreamId(commitLsn, index++).toString(), control.toString()));
                configChanged = true;
            }
        }
        schemaChanged.clear();
        String snapshot = null;
        if (configChanged) {
            ObjectNode s = Json.object();
            s.put("lsn", Long.toUnsignedString(commitLsn));
            s.set("tables", config.toJson());
            snapshot = s.toString();
        }
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, c.commitTime());
        CommittedTransaction tx = new CommittedTransaction(c.commitLsn().asLong(), c.endLsn().asLong(), micros,
                entries, snapshot, changes);
        entries = new ArrayList<>();
        return tx;
    }

    private void change(int relationOid, Operation op, TupleData oldTuple, boolean oldKeyOnly, TupleData newTuple) {
        int position = index++;
        Relation rel = relations.require(relationOid);
        String name = rel.qualifiedName();
        if (CONFIG_TABLE.equals(name)) {
            configChange(rel, op, oldTuple, newTuple, position);
            return;
        }
        TableConfig tc = config.get(name);
        if (tc == null || !tc.actions().contains(op)) {
            return;
        }
        List<String> unchanged = new ArrayList<>(0);
        ObjectNode record = newTuple == null ? null : rows.row(rel, newTuple, unchanged);
        ObjectNode old = oldTuple == null ? null : rows.row(rel, oldTuple, new ArrayList<>(0));
        if (old != null && oldKeyOnly) {
            // A key-only old tuple ('K') carries every column, the non-key ones as nulls that mean
            // "not sent", not "was NULL": keep the key.
            old.retain(io.pgrealtime.relay.pgoutput.RowDecoder.keyColumnNames(rel));
        }
        if (record != null && old != null && !unchanged.isEmpty()) {
            // REPLICA IDENTITY FULL sends the old row in full: the unchanged TOAST value is known, so
            // the record gets it; the column stays named in unchanged_toast (it did not change).
            for (String col : unchanged) {
                JsonNode v = old.get(col);
                if (v != null) {
                    record.set(col, v);
                }
            }
        }
        for (String col : tc.excludeColumns()) {
            if (record != null) {
                record.remove(col);
            }
            if (old != null) {
                old.remove(col);
            }
            unchanged.remove(col);
        }
        String id = new StreamId(commitLsn, position).toString();
        ChangeEvent event = new ChangeEvent(id, commitLsn, xid, commitTime, rel.namespace(), rel.name(), op,
                primaryKeys.computeIfAbsent(rel.oid(), oid -> rows.primaryKey(rel)), record, old, unchanged);
        entries.add(new StreamEntry(keys.changes(name), id, ChangeEventJson.encodeToString(event)));
        changes++;
    }

    private void configChange(Relation rel, Operation op, TupleData oldTuple, TupleData newTuple, int position) {
        ObjectNode control = Json.object();
        control.put("kind", "config");
        control.put("lsn", Long.toUnsignedString(commitLsn));
        switch (op) {
            case INSERT, UPDATE -> {
                TableConfig tc = complete(TableConfig.fromRow(rows.row(rel, newTuple, new ArrayList<>())));
                if (op == Operation.UPDATE && oldTuple != null) {
                    ObjectNode old = rows.row(rel, oldTuple, new ArrayList<>());
                    String oldName = old.path("schema_name").asText() + "." + old.path("table_name").asText();
                    if (!oldName.equals(tc.qualifiedName())) {
                        config.remove(oldName);
                    }
                }
                config.put(tc);
                control.put("op", "upsert");
                control.set("table", tc.toJson());
            }
            case DELETE -> {
                ObjectNode old = rows.row(rel, oldTuple, new ArrayList<>());
                String qn = old.path("schema_name").asText() + "." + old.path("table_name").asText();
                config.remove(qn);
                control.put("op", "remove");
                control.put("name", qn);
            }
            case TRUNCATE -> {
                config.clear();
                control.put("op", "clear");
            }
        }
        configChanged = true;
        entries.add(new StreamEntry(keys.control(), new StreamId(commitLsn, position).toString(), control.toString()));
    }

    /** Notes a configured table whose columns differ from what the configuration says (ALTER TABLE). */
    private void noteSchema(Relation r) {
        TableConfig tc = config.get(r.qualifiedName());
        if (tc == null) {
            return;
        }
        List<String> names = new ArrayList<>(r.columnNames());
        names.removeAll(tc.excludeColumns());
        if (!names.equals(new ArrayList<>(tc.columns().keySet()))) {
            if (inTransaction) {
                schemaChanged.add(r.qualifiedName());
            } else {
                config.put(complete(tc));
            }
        }
    }

    private TableConfig complete(TableConfig tc) {
        TableCatalog.Columns cols = catalog.columns(tc.schema(), tc.table());
        return cols == null ? tc : tc.withColumns(cols.types(), cols.primaryKey());
    }

    private void message(Message m) {
        if (!m.transactional()) {
            return;
        }
        int position = index++;
        if (!BROADCAST_PREFIX.equals(m.prefix())) {
            return;
        }
        JsonNode body;
        try {
            body = Json.mapper().readTree(m.content());
        } catch (IOException e) {
            return;
        }
        if (body == null || !body.hasNonNull("channel") || !body.hasNonNull("event")) {
            return;
        }
        ObjectNode control = Json.object();
        control.put("kind", "broadcast");
        control.put("channel", body.get("channel").asText());
        control.put("event", body.get("event").asText());
        control.set("payload", body.has("payload") ? body.get("payload") : Json.object());
        control.put("commit_us", ChronoUnit.MICROS.between(Instant.EPOCH, commitTime));
        entries.add(new StreamEntry(keys.control(), new StreamId(commitLsn, position).toString(), control.toString()));
    }

    /** Exposed for tests: decodes and accepts raw bytes. */
    public CommittedTransaction accept(java.nio.ByteBuffer buffer) {
        return accept(PgOutputDecoder.decode(buffer));
    }
}
