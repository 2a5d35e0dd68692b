package io.pgrealtime.relay.capture;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Relation;
import io.pgrealtime.relay.pgoutput.TupleData;

import java.util.List;

/** Turns a pgoutput tuple into a JSON row by column type, and names a relation's primary key. */
public interface RowConverter {
    /**
     * @param relation  the relation the tuple belongs to
     * @param tuple     the tuple
     * @param unchanged receives the names of unchanged-TOAST columns, which are left out of the row
     * @return the row, columns in table order
     */
    ObjectNode row(Relation relation, TupleData tuple, List<String> unchanged);

    /** The relation's primary-key columns in key order (empty when it has none). Called once per relation description. */
    List<String> primaryKey(Relation relation);
}
