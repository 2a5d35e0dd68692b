package io.pgrealtime.relay.pgoutput;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Relation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a {@link TupleData} into a JSON row, using its {@link Relation} for column names and
 * types and a {@link PgValueConverter} for the values.
 *
 * <p>Contract: columns appear in the relation's order; SQL NULL is JSON {@code null}; a column sent
 * as unchanged TOAST ({@code 'u'}) is <em>left out</em> of the row (its value is unknown, and
 * {@code null} would claim it was cleared) and named in {@link DecodedRow#unchangedToast()}.
 *
 * <p>Thread-safe if the converter is.
 */
public final class RowDecoder {

    private final PgValueConverter converter;

    public RowDecoder(PgValueConverter converter) {
        this.converter = Objects.requireNonNull(converter, "converter");
    }

    /**
     * Every column of the tuple.
     *
     * @throws PgOutputException if the tuple's column count differs from the relation's (a stale
     *                           relation description: converting would put values in wrong columns)
     */
    public DecodedRow decode(Relation relation, TupleData tuple) {
        return decode(relation, tuple, null);
    }

    /**
     * The new row of an UPDATE, taking unchanged-TOAST values from the old row where it has them.
     *
     * <p>Only pass an old tuple of kind {@link PgOutputMessage#OLD_FULL 'O'} (REPLICA IDENTITY
     * FULL): in a 'K' tuple the non-key columns are 'n' placeholders, not real NULLs. A filled
     * column is still listed in {@link DecodedRow#unchangedToast()}.
     *
     * @param fullOldTuple the whole old row, or {@code null} to fill nothing
     * @throws PgOutputException if a tuple's column count differs from the relation's
     */
    public DecodedRow decode(Relation relation, TupleData tuple, TupleData fullOldTuple) {
        List<Relation.Column> columns = relation.columns();
        checkWidth(relation, tuple);
        if (fullOldTuple != null) {
            checkWidth(relation, fullOldTuple);
        }
        ObjectNode row = PgValueConverter.NODES.objectNode();
        List<String> unchanged = List.of();
        for (int i = 0; i < columns.size(); i++) {
            Relation.Column column = columns.get(i);
            if (tuple.isUnchangedToast(i)) {
                if (unchanged.isEmpty()) {
                    unchanged = new ArrayList<>(2);
                }
                unchanged.add(column.name());
                if (fullOldTuple != null && !fullOldTuple.isUnchangedToast(i)) {
                    row.set(column.name(), converter.convert(column.typeOid(), fullOldTuple.text(i)));
                }
            } else {
                row.set(column.name(), converter.convert(column.typeOid(), tuple.text(i)));
            }
        }
        return new DecodedRow(row, unchanged);
    }

    /**
     * The old row of an UPDATE or DELETE as far as the server sent it.
     *
     * @param oldKind  {@code 'K'}: only the replica identity key columns are given (the others are
     *                 placeholders in the tuple); {@code 'O'}: every column; {@code 0}: none
     * @param oldTuple the old tuple, {@code null} when {@code oldKind} is 0
     * @return the decoded old row, or {@code null} when there is no old tuple
     * @throws PgOutputException if the tuple's column count differs from the relation's
     */
    public DecodedRow decodeOld(Relation relation, char oldKind, TupleData oldTuple) {
        if (oldTuple == null || oldKind == PgOutputMessage.OLD_NONE) {
            return null;
        }
        if (oldKind == PgOutputMessage.OLD_FULL) {
            return decode(relation, oldTuple);
        }
        checkWidth(relation, oldTuple);
        List<Relation.Column> columns = relation.columns();
        ObjectNode row = PgValueConverter.NODES.objectNode();
        List<String> unchanged = new ArrayList<>(0);
        for (int i = 0; i < columns.size(); i++) {
            Relation.Column column = columns.get(i);
            if (!column.key()) {
                continue;
            }
            if (oldTuple.isUnchangedToast(i)) {
                unchanged.add(column.name());
            } else {
                row.set(column.name(), converter.convert(column.typeOid(), oldTuple.text(i)));
            }
        }
        return new DecodedRow(row, unchanged);
    }

    /**
     * Names of the relation's replica identity columns, in column order (see
     * {@link Relation#keyColumnNames()}: under REPLICA IDENTITY FULL that is every column).
     */
    public static List<String> keyColumnNames(Relation relation) {
        return relation.keyColumnNames();
    }

    private static void checkWidth(Relation relation, TupleData tuple) {
        if (tuple.size() != relation.columns().size()) {
            throw new PgOutputException("tuple has " + tuple.size() + " columns but relation "
                    + relation.qualifiedName() + " (OID " + Integer.toUnsignedString(relation.oid()) + ") has "
                    + relation.columns().size() + ": relation description out of date");
        }
    }
}
