package io.pgrealtime.protocol.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.Operation;
import io.pgrealtime.protocol.filter.ColumnType;
import io.pgrealtime.protocol.filter.TableSchema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Realtime settings of one table: a row of {@code realtime.tables}, as the relay reads it from the
 * WAL and the gateways read it from {@code rt:config} / {@code rt:control}.
 *
 * @param schema              schema name
 * @param table               table name
 * @param actions             operations that are published
 * @param replicaIdentityFull whether REPLICA IDENTITY FULL was asked for (old rows on UPDATE/DELETE)
 * @param roles               roles allowed to subscribe ({@code authenticated} = any valid token, {@code anon} = no token)
 * @param rowFilter           filter (protocol.md §4) with {@code {{claims.X}}} placeholders, AND-ed with every subscription; null for none
 * @param excludeColumns      columns never published (the relay strips them before Redis)
 * @param payload             {@code full} or {@code keys}
 * @param rls                 whether deliveries are checked against PostgreSQL row-level security
 * @param columns             the published columns (excluded ones left out) and their PostgreSQL type
 *                            names, in table order; empty when not known yet
 * @param primaryKey          the primary key columns in key order; empty when none or not known
 */
public record TableConfig(String schema, String table, Set<Operation> actions, boolean replicaIdentityFull,
                          List<String> roles, JsonNode rowFilter, List<String> excludeColumns, String payload,
                          boolean rls, Map<String, String> columns, List<String> primaryKey) {

    public TableConfig {
        actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
        roles = List.copyOf(roles);
        excludeColumns = List.copyOf(excludeColumns);
        columns = columns == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
    }

    /** A configuration whose columns are not known yet. */
    public TableConfig(String schema, String table, Set<Operation> actions, boolean replicaIdentityFull,
                       List<String> roles, JsonNode rowFilter, List<String> excludeColumns, String payload, boolean rls) {
        this(schema, table, actions, replicaIdentityFull, roles, rowFilter, excludeColumns, payload, rls, Map.of(), List.of());
    }

    /** This configuration with the table's columns (name to type name, table order) and primary key; excluded columns are dropped. */
    public TableConfig withColumns(Map<String, String> allColumns, List<String> key) {
        Map<String, String> published = new LinkedHashMap<>(allColumns);
        excludeColumns.forEach(published::remove);
        return new TableConfig(schema, table, actions, replicaIdentityFull, roles, rowFilter, excludeColumns, payload, rls,
                published, key);
    }

    /** The columns for filter validation; excluded columns are not filterable because they do not exist for clients. */
    public TableSchema tableSchema() {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        columns.forEach((name, type) -> types.put(name, ColumnType.fromPgTypeName(type)));
        List<String> key = primaryKey.stream().filter(types::containsKey).toList();
        return new TableSchema(types, key);
    }

    /** {@code schema.table}. */
    public String qualifiedName() {
        return schema + "." + table;
    }

    /** Defaults of {@code realtime.enable(tbl)}. */
    public static TableConfig defaults(String schema, String table) {
        return new TableConfig(schema, table, EnumSet.allOf(Operation.class), false, List.of("authenticated"),
                null, List.of(), "full", false);
    }

    /** Builds from a {@code realtime.tables} row as decoded by the relay (column name → JSON value). */
    public static TableConfig fromRow(JsonNode row) {
        EnumSet<Operation> actions = EnumSet.noneOf(Operation.class);
        for (String a : strings(row.get("actions"))) {
            actions.add(Operation.of(a));
        }
        JsonNode filter = row.get("row_filter");
        return new TableConfig(text(row, "schema_name"), text(row, "table_name"), actions,
                row.path("replica_identity_full").asBoolean(false), strings(row.get("roles")),
                filter == null || filter.isNull() ? null : filter, strings(row.get("exclude_columns")),
                row.hasNonNull("payload") ? row.get("payload").asText() : "full", row.path("rls").asBoolean(false));
    }

    /** The JSON form used in {@code rt:config} and {@code rt:control}. */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("schema", schema);
        o.put("table", table);
        ArrayNode a = o.putArray("actions");
        for (Operation op : Operation.values()) {
            if (actions.contains(op)) {
                a.add(op.action());
            }
        }
        o.put("replica_identity_full", replicaIdentityFull);
        ArrayNode r = o.putArray("roles");
        roles.forEach(r::add);
        o.set("row_filter", rowFilter == null ? f.nullNode() : rowFilter);
        ArrayNode x = o.putArray("exclude_columns");
        excludeColumns.forEach(x::add);
        o.put("payload", payload);
        o.put("rls", rls);
        ObjectNode c = o.putObject("columns");
        columns.forEach(c::put);
        ArrayNode k = o.putArray("primary_key");
        primaryKey.forEach(k::add);
        return o;
    }

    /** Parses the form written by {@link #toJson()}. */
    public static TableConfig fromJson(JsonNode o) {
        EnumSet<Operation> actions = EnumSet.noneOf(Operation.class);
        for (String a : strings(o.get("actions"))) {
            actions.add(Operation.of(a.toLowerCase(Locale.ROOT)));
        }
        JsonNode filter = o.get("row_filter");
        Map<String, String> columns = new LinkedHashMap<>();
        JsonNode c = o.get("columns");
        if (c != null && c.isObject()) {
            c.fields().forEachRemaining(e -> columns.put(e.getKey(), e.getValue().asText()));
        }
        return new TableConfig(text(o, "schema"), text(o, "table"), actions, o.path("replica_identity_full").asBoolean(),
                strings(o.get("roles")), filter == null || filter.isNull() ? null : filter,
                strings(o.get("exclude_columns")), o.path("payload").asText("full"), o.path("rls").asBoolean(),
                columns, strings(o.get("primary_key")));
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("table config: missing " + field);
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> {
                if (!n.isNull()) {
                    out.add(n.asText());
                }
            });
        }
        return out;
    }
}
