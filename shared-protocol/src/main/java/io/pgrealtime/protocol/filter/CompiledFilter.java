package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.Json;

import java.util.Map;
import java.util.Set;

/**
 * A filter ready to evaluate rows: values were coerced to the column types and like patterns
 * compiled once, by {@link Filter#compile(TableSchema)} (or {@link Filter#compile()} for JSON-kind
 * comparison without a table).
 *
 * <p>Rows are the relay's JSON objects (column → value). SQL null semantics: a condition on a
 * column that is absent or JSON null is false, for every operator except {@code is: null}. A null
 * row is treated as an empty one. {@link #matches} allocates nothing for the common types
 * (numbers held as longs or BigDecimals, text, uuid, booleans, timestamps); immutable and
 * thread-safe.
 */
public final class CompiledFilter {
    private static final ObjectNode EMPTY_ROW = Json.object();

    private final Filter filter;
    private final TableSchema schema;
    private final RowPredicate predicate;
    private final Map<String, Object> equalityKeys;

    CompiledFilter(Filter filter, TableSchema schema, RowPredicate predicate, Map<String, Object> equalityKeys) {
        this.filter = filter;
        this.schema = schema;
        this.predicate = predicate;
        this.equalityKeys = equalityKeys;
    }

    /** Whether the row satisfies the filter. */
    public boolean matches(ObjectNode row) {
        return predicate.test(row == null ? EMPTY_ROW : row);
    }

    /** The source filter. */
    public Filter filter() {
        return filter;
    }

    /** The table it was compiled for; null when compiled without one. */
    public TableSchema schema() {
        return schema;
    }

    /** {@link Filter#columns()}. */
    public Set<String> columns() {
        return filter.columns();
    }

    /**
     * The top-level equalities of {@link Filter#equalities()}, as typed keys: a row can match
     * only if {@code equalityKey(column, row.get(column))} equals the key given here for each
     * column. Index subscriptions by these.
     */
    public Map<String, Object> equalityKeys() {
        return equalityKeys;
    }

    /**
     * The key of a row value under the column's type (see {@link ColumnType#equalityKey}); JSON
     * kind when compiled without a table. Null for a null or absent value.
     */
    public Object equalityKey(String column, JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        return FilterCompiler.typeOf(schema, column).key(value);
    }
}
