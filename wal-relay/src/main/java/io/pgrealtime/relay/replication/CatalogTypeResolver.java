package io.pgrealtime.relay.replication;

import io.pgrealtime.relay.pgoutput.PgType;
import io.pgrealtime.relay.pgoutput.TypeResolver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves types created at run time (enums, domains, composites, arrays of those) from
 * {@code pg_type}, once per OID. A type change (ALTER TYPE … ADD VALUE) keeps the OID and the
 * category, so the cache never needs invalidating for conversion purposes.
 */
public final class CatalogTypeResolver implements TypeResolver {
    private static final String SQL = "SELECT typname, typcategory, typelem, typbasetype, typdelim FROM pg_type WHERE oid = ?";

    private final Connection connection;
    private final Map<Integer, PgType> cache = new ConcurrentHashMap<>();

    public CatalogTypeResolver(Connection connection) {
        this.connection = connection;
    }

    @Override
    public PgType resolve(int oid) {
        PgType cached = cache.get(oid);
        if (cached != null) {
            return cached;
        }
        synchronized (connection) {
            try (PreparedStatement ps = connection.prepareStatement(SQL)) {
                ps.setInt(1, oid);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    PgType t = new PgType(oid, rs.getString(1), rs.getString(2).charAt(0), (int) rs.getLong(3),
                            (int) rs.getLong(4), rs.getString(5).charAt(0));
                    cache.put(oid, t);
                    return t;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read pg_type for OID " + oid + ": " + e.getMessage(), e);
            }
        }
    }
}
