package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@link RowPredicate} tree of a validated filter; see {@link Filter#compile(TableSchema)}. */
final class FilterCompiler {
    private final TableSchema schema;

    private FilterCompiler(TableSchema schema) {
        this.schema = schema;
    }

    static CompiledFilter compile(Filter filter, TableSchema schema) {
        FilterValidator.validate(filter, schema);
        FilterCompiler compiler = new FilterCompiler(schema);
        return new CompiledFilter(filter, schema, compiler.build(filter), compiler.equalityKeys(filter));
    }

    /** Comparison semantics for a column: its type's, or JSON kind without a table. */
    static ValueType typeOf(TableSchema schema, String column) {
        ColumnType type = schema == null ? null : schema.type(column);
        return type == null ? ValueType.KIND : ValueType.of(type);
    }

    private RowPredicate build(Filter f) {
        if (f instanceof Filter.True) {
            return RowPredicate.ALWAYS;
        }
        if (f instanceof Filter.False) {
            return RowPredicate.NEVER;
        }
        if (f instanceof Filter.And and) {
            RowPredicate[] parts = buildAll(and.filters());
            return row -> {
                for (RowPredicate p : parts) {
                    if (!p.test(row)) {
                        return false;
                    }
                }
                return true;
            };
        }
        if (f instanceof Filter.Or or) {
            RowPredicate[] parts = buildAll(or.filters());
            return row -> {
                for (RowPredicate p : parts) {
                    if (p.test(row)) {
                        return true;
                    }
                }
                return false;
            };
        }
        return condition((Filter.Condition) f);
    }

    private RowPredicate[] buildAll(List<Filter> filters) {
        RowPredicate[] out = new RowPredicate[filters.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = build(filters.get(i));
        }
        return out;
    }

    private RowPredicate condition(Filter.Condition c) {
        String column = c.column();
        ValueType type = typeOf(schema, column);
        if (c instanceof Filter.Is is) {
            return switch (is.value()) {
                case NULL -> row -> isNull(row.get(column));
                case TRUE -> row -> {
                    JsonNode v = row.get(column);
                    return v != null && v.isBoolean() && v.booleanValue();
                };
                case FALSE -> row -> {
                    JsonNode v = row.get(column);
                    return v != null && v.isBoolean() && !v.booleanValue();
                };
            };
        }
        if (c instanceof Filter.Like like) {
            if (isPlaceholder(like.pattern())) {
                return RowPredicate.NEVER;
            }
            LikePattern pattern = LikePattern.compile(like.pattern(), like.caseInsensitive());
            return row -> {
                JsonNode v = row.get(column);
                return v != null && v.isTextual() && pattern.matches(v.textValue());
            };
        }
        if (c instanceof Filter.Compare cmp) {
            if (Placeholders.claimName(cmp.value()) != null) {
                return RowPredicate.NEVER;
            }
            Object constant = type.coerce(cmp.value());
            Filter.Op op = cmp.op();
            return row -> {
                JsonNode v = row.get(column);
                if (isNull(v)) {
                    return false;
                }
                int r = type.compare(v, constant);
                return r != ValueType.INCOMPARABLE && op.test(r);
            };
        }
        if (c instanceof Filter.Between b) {
            if (Placeholders.claimName(b.low()) != null || Placeholders.claimName(b.high()) != null) {
                return RowPredicate.NEVER;
            }
            Object low = type.coerce(b.low());
            Object high = type.coerce(b.high());
            return row -> {
                JsonNode v = row.get(column);
                if (isNull(v)) {
                    return false;
                }
                int lo = type.compare(v, low);
                if (lo == ValueType.INCOMPARABLE || lo < 0) {
                    return false;
                }
                int hi = type.compare(v, high);
                return hi != ValueType.INCOMPARABLE && hi <= 0;
            };
        }
        return in(type, (Filter.In) c);
    }

    /** Unbound placeholders in the list match nothing; the other values still count. */
    private static RowPredicate in(ValueType type, Filter.In in) {
        List<Object> constants = new ArrayList<>(in.values().size());
        for (JsonNode v : in.values()) {
            if (Placeholders.claimName(v) == null) {
                constants.add(type.coerce(v));
            }
        }
        if (constants.isEmpty()) {
            return RowPredicate.NEVER;
        }
        Object[] values = constants.toArray();
        String column = in.column();
        return row -> {
            JsonNode v = row.get(column);
            if (isNull(v)) {
                return false;
            }
            for (Object c : values) {
                if (type.compare(v, c) == 0) {
                    return true;
                }
            }
            return false;
        };
    }

    private Map<String, Object> equalityKeys(Filter filter) {
        Map<String, Object> out = new LinkedHashMap<>();
        filter.equalities().forEach((column, value) -> {
            ValueType type = typeOf(schema, column);
            out.put(column, type.constantKey(type.coerce(value)));
        });
        return Collections.unmodifiableMap(out);
    }

    private static boolean isPlaceholder(String text) {
        return Placeholders.claimName(text) != null;
    }

    private static boolean isNull(JsonNode v) {
        return v == null || v.isNull();
    }
}
