package io.pgrealtime.relay.capture;

import java.util.List;
import java.util.Map;

/** Reads a table's columns and primary key from the database catalog (current state). */
public interface TableCatalog {

    /** Columns (name to type name, table order) and primary key of a table; null when the table does not exist. */
    Columns columns(String schema, String table);

    /**
     * @param types      column name to PostgreSQL type name (the base type for domains), in table order
     * @param primaryKey primary key columns in key order
     */
    record Columns(Map<String, String> types, List<String> primaryKey) {
    }
}
