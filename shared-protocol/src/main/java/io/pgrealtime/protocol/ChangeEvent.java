package io.pgrealtime.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One committed row change (or truncate) of one table, as the relay appends it to the table's
 * stream and as gateways read it back.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@code id} is the Redis stream ID {@code <commit LSN as unsigned 64-bit>-<index in transaction>}
 *       (see {@link StreamId}); it orders events of one table in commit order and is what clients
 *       pass back as {@code since}.</li>
 *   <li>{@code record} is the new row (INSERT, UPDATE), {@code null} otherwise; columns listed in
 *       {@code unchangedToast} are absent from it unless the old row supplied them.</li>
 *   <li>{@code oldRecord} is what the database gives for UPDATE and DELETE: the key columns under
 *       REPLICA IDENTITY DEFAULT, the whole old row under FULL, {@code null} when nothing is known.</li>
 *   <li>{@code primaryKey} names the table's replica-identity key columns in key order (may be empty
 *       for a table without a key).</li>
 * </ul>
 * Instances are immutable by convention: the JSON nodes must not be modified after construction.
 *
 * @see ChangeEventJson for the JSON form stored in Redis and sent to clients
 */
public record ChangeEvent(
        String id,
        long lsn,
        long xid,
        Instant commitTime,
        String schema,
        String table,
        Operation operation,
        List<String> primaryKey,
        ObjectNode record,
        ObjectNode oldRecord,
        List<String> unchangedToast) {

    public ChangeEvent {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(operation, "operation");
        primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
        unchangedToast = unchangedToast == null ? List.of() : List.copyOf(unchangedToast);
    }

    /** {@code schema.table}, the name used in stream keys and {@code table:} channels. */
    public String qualifiedTable() {
        return schema + "." + table;
    }

    /** A copy carrying the given stream id. */
    public ChangeEvent withId(String newId) {
        return new ChangeEvent(newId, lsn, xid, commitTime, schema, table, operation, primaryKey,
                record, oldRecord, unchangedToast);
    }
}
