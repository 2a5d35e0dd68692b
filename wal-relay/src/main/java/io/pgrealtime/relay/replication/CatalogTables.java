package io.pgrealtime.relay.replication;

import io.pgrealtime.relay.capture.TableCatalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link TableCatalog} over {@code pg_attribute}/{@code pg_index}, on the session's regular connection. */
final class CatalogTables implements TableCatalog {
    private static final String COLUMNS = "SELECT a.attname, CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END"
            + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type bt ON bt.oid = t.typbasetype"
            + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
    private static final String KEY = "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
            + " WHERE n.nspname = ? AND c.relname = ? AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)";

    private final Connection connection;

    CatalogTables(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Columns columns(String schema, String table) {
        synchronized (connection) {
            try {
                Map<String, String> types = new LinkedHashMap<>();
                try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
                    ps.setString(1, schema);
                    ps.setString(2, table);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            types.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
                if (types.isEmpty()) {
                    return null;
                }
                List<String> key = new ArrayList<>();
                try (PreparedStatement ps = connection.prepareStatement(KEY)) {
                    ps.setString(1, schema);
                    ps.setString(2, table);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            key.add(rs.getString(1));
                        }
                    }
                }
                return new Columns(types, key);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the columns of " + schema + "." + table + ": " + e.getMessage(), e);
            }
        }
    }
}
