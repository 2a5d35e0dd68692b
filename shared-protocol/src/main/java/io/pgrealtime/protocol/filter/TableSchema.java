package io.pgrealtime.protocol.filter;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The columns of one table as filters see them, for one caller.
 *
 * @param columns      column name → type, in table order (unmodifiable, order kept)
 * @param primaryKey   replica-identity key columns in key order; each must be a column
 * @param unfilterable columns this caller may not filter on (they are refused exactly like
 *                     unknown columns, so a refusal does not reveal that they exist)
 */
public record TableSchema(Map<String, ColumnType> columns, List<String> primaryKey, Set<String> unfilterable) {

    public TableSchema {
        Objects.requireNonNull(columns, "columns");
        columns.forEach((k, v) -> {
            Objects.requireNonNull(k, "column name");
            Objects.requireNonNull(v, "type of " + k);
        });
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
        unfilterable = unfilterable == null ? Set.of() : Set.copyOf(unfilterable);
        for (String key : primaryKey) {
            if (!columns.containsKey(key)) {
                throw new IllegalArgumentException("primary key column '" + key + "' is not a column");
            }
        }
    }

    /** A schema where every column is filterable. */
    public TableSchema(Map<String, ColumnType> columns, List<String> primaryKey) {
        this(columns, primaryKey, Set.of());
    }

    /** The column's type, or null when the table has no such column. */
    public ColumnType type(String column) {
        return columns.get(column);
    }

    /** Whether the column exists and this caller may filter on it. */
    public boolean isFilterable(String column) {
        return columns.containsKey(column) && !unfilterable.contains(column);
    }

    /** The same table for a caller who may not filter on {@code columns}. */
    public TableSchema withUnfilterable(Collection<String> columns) {
        return new TableSchema(this.columns, primaryKey, Set.copyOf(columns));
    }

    /**
     * Whether {@code names} are all key columns, so that a filter naming only them can be
     * evaluated on a DELETE's key-only old row. False for a table without a key.
     */
    public boolean isKeyOnly(Collection<String> names) {
        return !primaryKey.isEmpty() && primaryKey.containsAll(names);
    }

    /** A builder that keeps column order. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TableSchema}; not thread-safe. */
    public static final class Builder {
        private final Map<String, ColumnType> columns = new LinkedHashMap<>();
        private List<String> primaryKey = List.of();
        private Set<String> unfilterable = Set.of();

        private Builder() {
        }

        public Builder column(String name, ColumnType type) {
            columns.put(name, type);
            return this;
        }

        /** Adds a column by PostgreSQL type name, see {@link ColumnType#fromPgTypeName(String)}. */
        public Builder column(String name, String pgTypeName) {
            return column(name, ColumnType.fromPgTypeName(pgTypeName));
        }

        public Builder primaryKey(String... key) {
            primaryKey = List.of(key);
            return this;
        }

        public Builder unfilterable(String... names) {
            unfilterable = Set.of(names);
            return this;
        }

        public TableSchema build() {
            return new TableSchema(columns, primaryKey, unfilterable);
        }
    }
}
