package io.pgrealtime.gateway.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;
import io.pgrealtime.protocol.config.TableConfig;
import io.pgrealtime.protocol.filter.CompiledFilter;
import io.pgrealtime.protocol.filter.Filter;
import io.pgrealtime.protocol.filter.FilterException;
import io.pgrealtime.protocol.filter.FilterParser;
import io.pgrealtime.protocol.filter.FilterValidator;
import io.pgrealtime.protocol.filter.TableSchema;

/**
 * Who may read a table and what they may see: the table's roles ({@code authenticated} = any valid
 * token, {@code anon} = no token, the admin role = every enabled table), and the client's filter
 * AND-ed with the row filter bound to the caller's claims, which the client cannot widen.
 */
public final class TableAccess {
    private final String adminRole;

    public TableAccess(String adminRole) {
        this.adminRole = adminRole;
    }

    public boolean isAdmin(Principal p) {
        return !p.anonymous() && p.roles().contains(adminRole);
    }

    /** Throws FORBIDDEN unless the principal may read the table. */
    public void checkRead(Principal p, TableConfig table) {
        if (isAdmin(p)) {
            return;
        }
        for (String role : table.roles()) {
            if (role.equals("anon") && p.anonymous()) {
                return;
            }
            if (!p.anonymous() && (role.equals("authenticated") || p.roles().contains(role))) {
                return;
            }
        }
        String who = p.anonymous() ? "anon" : p.roles().isEmpty() ? "authenticated" : String.join(",", p.roles());
        throw new GatewayException(ErrorCode.FORBIDDEN, "role '" + who + "' may not read " + table.qualifiedName());
    }

    /**
     * What a subscription evaluates.
     *
     * @param combined the client's filter AND the row filter; null when every row is visible
     * @param row      the row filter alone (what the caller may see at all); null when none applies
     */
    public record Filters(CompiledFilter combined, CompiledFilter row) {
    }

    /**
     * The filters of a subscription: the client's filter, validated against the table's published
     * columns, AND the table's row filter bound to the caller's claims (not for admins).
     */
    public Filters filtersFor(Principal p, TableConfig table, JsonNode clientFilter) {
        CompiledFilter combined = filterFor(p, table, clientFilter);
        if (table.rowFilter() == null || isAdmin(p)) {
            return new Filters(combined, null);
        }
        TableSchema schema = table.columns().isEmpty() ? null : table.tableSchema();
        Filter row = FilterParser.parse(table.rowFilter()).bind(p.claims());
        try {
            return new Filters(combined, schema == null ? row.compile() : row.compile(schema));
        } catch (FilterException e) {
            throw new GatewayException(ErrorCode.FORBIDDEN, "the row filter of " + table.qualifiedName()
                    + " cannot be applied to this token's claims");
        }
    }

    /** The combined filter alone; see {@link #filtersFor}. Returns null when every row is visible. */
    public CompiledFilter filterFor(Principal p, TableConfig table, JsonNode clientFilter) {
        TableSchema schema = table.columns().isEmpty() ? null : table.tableSchema();
        Filter client = Filter.TRUE;
        if (clientFilter != null && clientFilter.size() > 0) {
            try {
                client = FilterParser.parse(clientFilter);
                if (!client.claims().isEmpty()) {
                    throw new GatewayException(ErrorCode.INVALID_FILTERS, "client filters may not use {{claims.…}} placeholders");
                }
                if (schema != null) {
                    FilterValidator.validate(client, schema);
                }
            } catch (FilterException e) {
                throw new GatewayException(ErrorCode.INVALID_FILTERS, "invalid filter", e.details());
            }
        }
        Filter combined = client;
        if (table.rowFilter() != null && !isAdmin(p)) {
            Filter row = FilterParser.parse(table.rowFilter()).bind(p.claims());
            combined = Filter.and(client, row);
        }
        if (combined instanceof Filter.True) {
            return null;
        }
        try {
            return schema == null ? combined.compile() : combined.compile(schema);
        } catch (FilterException e) {
            // The row filter bound to this caller's claims does not fit the table (a claim of the
            // wrong type): deny rather than guess.
            throw new GatewayException(ErrorCode.FORBIDDEN, "the row filter of " + table.qualifiedName()
                    + " cannot be applied to this token's claims");
        }
    }
}
