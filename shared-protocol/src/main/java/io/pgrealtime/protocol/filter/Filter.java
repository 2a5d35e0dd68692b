package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed row filter (protocol section 4): an immutable tree of conditions on the columns of one
 * row. Build it with {@link FilterParser}; bind claim placeholders with {@link #bind(Map)}; check
 * and compile it against a table with {@link #compile(TableSchema)}, once per subscription; then
 * evaluate rows with {@link CompiledFilter#matches(ObjectNode)}.
 *
 * <p>Conditions carry the {@code path} where they appeared in the source JSON (for error details);
 * it is part of record equality but has no effect on evaluation.
 *
 * <p>Values in conditions are JSON scalars (string, number, boolean). A string that is exactly
 * {@code {{claims.NAME}}} is a claim placeholder (see {@link #bind(Map)}); until bound it matches
 * nothing.
 */
public sealed interface Filter permits Filter.True, Filter.False, Filter.And, Filter.Or, Filter.Condition {

    /** The empty filter {@code {}}: matches every row. */
    Filter TRUE = new True();
    /** Matches no row (a filter bound to a missing claim). */
    Filter FALSE = new False();

    /** Matches every row. */
    record True() implements Filter {
    }

    /** Matches no row. */
    record False() implements Filter {
    }

    /** All of {@code filters} match. */
    record And(List<Filter> filters) implements Filter {
        public And {
            filters = children(filters, "$and");
        }
    }

    /** At least one of {@code filters} matches. */
    record Or(List<Filter> filters) implements Filter {
        public Or {
            filters = children(filters, "$or");
        }
    }

    /** A condition on one column. */
    sealed interface Condition extends Filter permits Compare, In, Between, Like, Is {
        /** The column the condition tests. */
        String column();

        /** Where the condition's value sits in the source JSON, e.g. {@code priority.gte}. */
        String path();

        /** The operator's wire name, e.g. {@code gte}. */
        String operator();

        /** Where the column's key sits in the source JSON, e.g. {@code $or[1].priority}. */
        default String columnPath() {
            String suffix = "." + operator();
            String p = path();
            return p.endsWith(suffix) ? p.substring(0, p.length() - suffix.length()) : p;
        }
    }

    /** Comparison operators; a bare value means {@link #EQ}. */
    enum Op {
        EQ("eq"), NEQ("neq"), GT("gt"), GTE("gte"), LT("lt"), LTE("lte");

        private final String token;

        Op(String token) {
            this.token = token;
        }

        /** The wire name. */
        public String token() {
            return token;
        }

        /** Whether the operator orders values (not only equality). */
        public boolean isOrdering() {
            return this != EQ && this != NEQ;
        }

        /** The operator for a wire name, or null. */
        public static Op forToken(String token) {
            for (Op op : values()) {
                if (op.token.equals(token)) {
                    return op;
                }
            }
            return null;
        }

        /** Whether a comparison result (negative, zero, positive) satisfies the operator. */
        boolean test(int cmp) {
            return switch (this) {
                case EQ -> cmp == 0;
                case NEQ -> cmp != 0;
                case GT -> cmp > 0;
                case GTE -> cmp >= 0;
                case LT -> cmp < 0;
                case LTE -> cmp <= 0;
            };
        }
    }

    /** {@code column op value}. */
    record Compare(String column, Op op, JsonNode value, String path) implements Condition {
        public Compare {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(op, "op");
            requireScalar(value);
            Objects.requireNonNull(path, "path");
        }

        /** With the default path: the column for {@code eq}, else {@code column.op}. */
        public Compare(String column, Op op, JsonNode value) {
            this(column, op, value, op == Op.EQ ? column : column + "." + op.token());
        }

        @Override
        public String operator() {
            return op.token();
        }
    }

    /** {@code column in (values…)}. */
    record In(String column, List<JsonNode> values, String path) implements Condition {
        public In {
            Objects.requireNonNull(column, "column");
            if (values == null || values.isEmpty()) {
                throw new IllegalArgumentException("in needs at least one value");
            }
            values.forEach(Filter::requireScalar);
            values = List.copyOf(values);
            Objects.requireNonNull(path, "path");
        }

        public In(String column, List<JsonNode> values) {
            this(column, values, column + ".in");
        }

        @Override
        public String operator() {
            return "in";
        }
    }

    /** {@code low <= column <= high} (inclusive; matches nothing when low > high). */
    record Between(String column, JsonNode low, JsonNode high, String path) implements Condition {
        public Between {
            Objects.requireNonNull(column, "column");
            requireScalar(low);
            requireScalar(high);
            Objects.requireNonNull(path, "path");
        }

        public Between(String column, JsonNode low, JsonNode high) {
            this(column, low, high, column + ".between");
        }

        @Override
        public String operator() {
            return "between";
        }
    }

    /** SQL {@code LIKE} ({@code %}, {@code _}, backslash escape); {@code ILIKE} when case-insensitive. */
    record Like(String column, String pattern, boolean caseInsensitive, String path) implements Condition {
        public Like {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(path, "path");
        }

        public Like(String column, String pattern, boolean caseInsensitive) {
            this(column, pattern, caseInsensitive, column + "." + (caseInsensitive ? "ilike" : "like"));
        }

        @Override
        public String operator() {
            return caseInsensitive ? "ilike" : "like";
        }
    }

    /** What {@code is} tests for. */
    enum IsValue { NULL, TRUE, FALSE }

    /** {@code column IS NULL / IS TRUE / IS FALSE}; the only condition that matches a null. */
    record Is(String column, IsValue value, String path) implements Condition {
        public Is {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(path, "path");
        }

        public Is(String column, IsValue value) {
            this(column, value, column + ".is");
        }

        @Override
        public String operator() {
            return "is";
        }
    }

    /**
     * Every column the filter names, in order of appearance. A gateway uses it to decide whether
     * a DELETE whose old row holds only the key can be evaluated.
     */
    default Set<String> columns() {
        return FilterTrees.columns(this);
    }

    /**
     * The bare equalities AND-ed at the top level (through nested {@link And}s, not into
     * {@link Or}s), column → value, excluding placeholders. Every row that matches the filter has
     * each of these values in that column, so subscriptions may be indexed by them; when a column
     * has several, the first is given. Values are as written: for typed keys use
     * {@link CompiledFilter#equalityKeys()}.
     */
    default Map<String, JsonNode> equalities() {
        return FilterTrees.equalities(this);
    }

    /** The claim names the filter's placeholders refer to, e.g. {@code tenant_id}, {@code org.id}. */
    default Set<String> claims() {
        return FilterTrees.claims(this);
    }

    /**
     * The filter with every {@code {{claims.NAME}}} placeholder replaced by the claim's value.
     *
     * <p>{@code NAME} is looked up as a key of {@code claims} first (for namespaced claims such as
     * {@code https://example.com/tenant}); failing that, a dotted name walks nested maps
     * ({@code org.id} is {@code claims.org.id}). A string, number or boolean claim replaces the
     * placeholder; in an {@code in} list a list claim contributes all its elements (an empty list
     * makes that condition match nothing).
     *
     * <p>If any referenced claim is missing or null, or is of a shape the position cannot take (a
     * list outside {@code in}, an object anywhere), the result is {@link #FALSE}: the whole filter
     * matches nothing. Why deny rather than drop the condition: row filters bound to claims
     * restrict what a caller may see ({@code {"tenant_id":"{{claims.tenant_id}}"}}); a token without
     * the claim would otherwise see every tenant's rows.
     *
     * @param claims the token's claims (values: String, Number, Boolean, List, Map, or Jackson nodes)
     * @return this instance when the filter has no placeholders
     */
    default Filter bind(Map<String, ?> claims) {
        return FilterBinder.bind(this, claims);
    }

    /**
     * Validates against the table with {@link FilterValidator} and compiles: values are coerced to
     * the column types once, here, so that evaluation per row is cheap.
     *
     * @throws FilterException with every problem found
     */
    default CompiledFilter compile(TableSchema schema) {
        return FilterCompiler.compile(this, Objects.requireNonNull(schema, "schema"));
    }

    /**
     * Compiles without a table: values compare by JSON kind (numbers numerically, strings by code
     * point, booleans); a value of another kind than the row's never matches.
     *
     * @throws FilterException if a like pattern is malformed
     */
    default CompiledFilter compile() {
        return FilterCompiler.compile(this, null);
    }

    /**
     * Evaluates one row without a table, as {@link #compile()}. Convenience for tests and one-off
     * checks: it compiles on every call; compile once for anything repeated.
     */
    default boolean matches(ObjectNode row) {
        return compile().matches(row);
    }

    /**
     * AND of the filters, simplified: {@link #TRUE} operands dropped, {@link #FALSE} if any
     * operand is, the operand itself if only one remains, {@code TRUE} if none. Use it to combine
     * a row filter with a client filter.
     */
    static Filter and(Filter... filters) {
        return combine(Arrays.asList(filters), true);
    }

    /** AND of the filters, simplified as {@link #and(Filter...)}. */
    static Filter and(List<Filter> filters) {
        return combine(filters, true);
    }

    /**
     * OR of the filters, simplified: {@link #FALSE} operands dropped, {@link #TRUE} if any operand
     * is, the operand itself if only one remains, {@code FALSE} if none.
     */
    static Filter or(Filter... filters) {
        return combine(Arrays.asList(filters), false);
    }

    /** OR of the filters, simplified as {@link #or(Filter...)}. */
    static Filter or(List<Filter> filters) {
        return combine(filters, false);
    }

    private static Filter combine(List<Filter> filters, boolean and) {
        Filter identity = and ? TRUE : FALSE;
        Filter absorbing = and ? FALSE : TRUE;
        List<Filter> kept = new ArrayList<>(filters.size());
        for (Filter f : filters) {
            Objects.requireNonNull(f, "filter");
            if (f.equals(absorbing)) {
                return absorbing;
            }
            if (!f.equals(identity)) {
                kept.add(f);
            }
        }
        if (kept.isEmpty()) {
            return identity;
        }
        if (kept.size() == 1) {
            return kept.get(0);
        }
        return and ? new And(kept) : new Or(kept);
    }

    private static List<Filter> children(List<Filter> filters, String what) {
        if (filters == null || filters.isEmpty()) {
            throw new IllegalArgumentException(what + " needs at least one filter");
        }
        filters.forEach(f -> Objects.requireNonNull(f, "filter"));
        return List.copyOf(filters);
    }

    private static void requireScalar(JsonNode value) {
        if (value == null || !(value.isTextual() || value.isNumber() || value.isBoolean())) {
            throw new IllegalArgumentException("a filter value must be a string, number or boolean, not " + value);
        }
    }
}
