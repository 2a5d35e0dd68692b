package io.pgrealtime.relay.replication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.relay.capture.RowConverter;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Relation;
import io.pgrealtime.relay.pgoutput.PgValueConverter;
import io.pgrealtime.relay.pgoutput.RowDecoder;
import io.pgrealtime.relay.pgoutput.TupleData;
import io.pgrealtime.relay.pgoutput.TypeResolver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link RowConverter} over the pgoutput {@link RowDecoder}, resolving run-time types (enums,
 * domains, arrays of those) and primary keys from the catalog.
 */
final class JsonRowConverter implements RowConverter {
    private static final String PRIMARY_KEY_SQL = "SELECT a.attname FROM pg_index i"
            + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
            + " WHERE i.indrelid = ? AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)";

    private final RowDecoder decoder;
    private final Connection catalog;

    JsonRowConverter(Connection catalog) {
        this.catalog = catalog;
        this.decoder = new RowDecoder(new PgValueConverter(TypeResolver.builtins().orElse(new CatalogTypeResolver(catalog))));
    }

    @Override
    public ObjectNode row(Relation relation, TupleData tuple, List<String> unchanged) {
        io.pgrealtime.relay.pgoutput.DecodedRow row = decoder.decode(relation, tuple);
        unchanged.addAll(row.unchangedToast());
        return row.row();
    }

    @Override
    public List<String> primaryKey(Relation relation) {
        // pgoutput flags the replica identity columns, in column order: every column under FULL, a
        // unique index's columns under USING INDEX. The primary key, in key order, is in the catalog.
        synchronized (catalog) {
            try (PreparedStatement ps = catalog.prepareStatement(PRIMARY_KEY_SQL)) {
                ps.setInt(1, relation.oid());
                try (ResultSet rs = ps.executeQuery()) {
                    List<String> key = new ArrayList<>();
                    while (rs.next()) {
                        key.add(rs.getString(1));
                    }
                    return List.copyOf(key);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the primary key of " + relation.qualifiedName() + ": "
                        + e.getMessage(), e);
            }
        }
    }
}
