package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static io.pgrealtime.protocol.filter.FilterError.INVALID_VALUE;
import static io.pgrealtime.protocol.filter.FilterError.UNKNOWN_FIELD;
import static io.pgrealtime.protocol.filter.FilterError.UNSUPPORTED_OPERATOR;

/**
 * Checks a filter against a table, reporting every problem:
 * <ul>
 *   <li>{@code UNKNOWN_FIELD} at the column's path: the table has no such column, or the caller
 *       may not filter on it (one message for both, so that a refusal does not reveal a hidden
 *       column); reported once per column path;</li>
 *   <li>{@code UNSUPPORTED_OPERATOR} at the operator's path: the column's type lacks the operator
 *       (see {@link ColumnType});</li>
 *   <li>{@code INVALID_VALUE} at the value's path ({@code x.in[2]}, {@code x.between[1]}): the value
 *       does not coerce to the column's type, {@code is: true/false} on a non-boolean column, a
 *       malformed like pattern, a like pattern longer than
 *       {@link FilterParser#MAX_LIKE_PATTERN_LENGTH}, or a string longer than
 *       {@link FilterParser#MAX_STRING_BYTES} (the limits matter for values bound from claims,
 *       which the parser has not seen).</li>
 * </ul>
 * Placeholder values are not type-checked (their claims are unknown); bind first to check them.
 * Thread-safe.
 */
public final class FilterValidator {
    private final TableSchema schema;
    private final List<FilterError> errors = new ArrayList<>();
    /** The column of the condition being checked (the key its problems are filed under). */
    private String column;
    private final Set<String> unknownReported = new HashSet<>();

    private FilterValidator(TableSchema schema) {
        this.schema = schema;
    }

    /**
     * @throws FilterException with every problem, if there is any
     */
    public static void validate(Filter filter, TableSchema schema) {
        List<FilterError> errors = check(filter, schema);
        if (!errors.isEmpty()) {
            throw new FilterException(errors);
        }
    }

    /**
     * The problems, in filter order; empty when the filter is valid. With a null schema only what
     * needs no table is checked (like patterns, string sizes).
     */
    public static List<FilterError> check(Filter filter, TableSchema schema) {
        FilterValidator v = new FilterValidator(schema);
        v.visit(filter);
        return List.copyOf(v.errors);
    }

    private void visit(Filter f) {
        if (f instanceof Filter.And and) {
            and.filters().forEach(this::visit);
        } else if (f instanceof Filter.Or or) {
            or.filters().forEach(this::visit);
        } else if (f instanceof Filter.Condition c) {
            condition(c);
        }
    }

    private void condition(Filter.Condition c) {
        column = c.column();
        ColumnType type = null;
        if (schema != null) {
            type = schema.isFilterable(c.column()) ? schema.type(c.column()) : null;
            if (type == null) {
                if (unknownReported.add(c.columnPath())) {
                    error(c.columnPath(), UNKNOWN_FIELD, "unknown column '" + c.column() + "'");
                }
                return;
            }
        }
        if (!withinSize(c)) {
            return;
        }
        if (c instanceof Filter.Compare cmp) {
            if (supports(type, c, cmp.op().isOrdering())) {
                value(type, c, cmp.value(), c.path());
            }
        } else if (c instanceof Filter.In in) {
            if (supports(type, c, false)) {
                for (int i = 0; i < in.values().size(); i++) {
                    value(type, c, in.values().get(i), c.path() + "[" + i + "]");
                }
            }
        } else if (c instanceof Filter.Between b) {
            if (supports(type, c, true)) {
                value(type, c, b.low(), c.path() + "[0]");
                value(type, c, b.high(), c.path() + "[1]");
            }
        } else if (c instanceof Filter.Like like) {
            like(type, like);
        } else if (c instanceof Filter.Is is) {
            if (type != null && is.value() != Filter.IsValue.NULL && type != ColumnType.BOOLEAN) {
                error(c.path(), INVALID_VALUE, "is " + is.value().name().toLowerCase(Locale.ROOT)
                        + " needs a boolean column; '" + c.column() + "' is " + describe(type));
            }
        }
    }

    private void like(ColumnType type, Filter.Like like) {
        if (type != null && !type.supportsLike()) {
            unsupported(type, like);
            return;
        }
        if (Placeholders.claimName(like.pattern()) == null) {
            String problem = LikePattern.problem(like.pattern());
            if (problem != null) {
                error(like.path(), INVALID_VALUE, problem);
            }
        }
    }

    /**
     * Whether every string operand is within {@link FilterParser#MAX_STRING_BYTES} (values bound from
     * claims have not been through the parser); records an error per oversize value. Like patterns
     * other than placeholders are held to the stricter pattern length by {@link LikePattern#problem}.
     */
    private boolean withinSize(Filter.Condition c) {
        int before = errors.size();
        if (c instanceof Filter.Compare cmp) {
            size(cmp.value(), c.path(), -1);
        } else if (c instanceof Filter.In in) {
            for (int i = 0; i < in.values().size(); i++) {
                size(in.values().get(i), c.path(), i);
            }
        } else if (c instanceof Filter.Between b) {
            size(b.low(), c.path(), 0);
            size(b.high(), c.path(), 1);
        } else if (c instanceof Filter.Like like && Placeholders.claimName(like.pattern()) != null) {
            size(like.pattern(), c.path(), -1);
        }
        return errors.size() == before;
    }

    private void size(JsonNode value, String path, int index) {
        if (value.isTextual()) {
            size(value.textValue(), path, index);
        }
    }

    /** Records an error at {@code path}, or at its element {@code index} when not negative. */
    private void size(String value, String path, int index) {
        String problem = FilterParser.stringProblem(value);
        if (problem != null) {
            error(index < 0 ? path : path + "[" + index + "]", INVALID_VALUE, problem);
        }
    }

    private boolean supports(ColumnType type, Filter.Condition c, boolean ordering) {
        if (type == null) {
            return false;
        }
        boolean ok = ordering ? type.supportsOrdering() : type.supportsEquality();
        if (!ok) {
            unsupported(type, c);
        }
        return ok;
    }

    private void unsupported(ColumnType type, Filter.Condition c) {
        error(c.path(), UNSUPPORTED_OPERATOR, "operator '" + c.operator()
                + "' does not apply to " + describe(type) + " column '" + c.column() + "'");
    }

    private void value(ColumnType type, Filter.Condition c, JsonNode value, String at) {
        if (Placeholders.claimName(value) != null) {
            return;
        }
        try {
            ValueType.of(type).coerce(value);
        } catch (IllegalArgumentException e) {
            error(at, INVALID_VALUE, "column '" + c.column() + "' is "
                    + describe(type) + ": " + e.getMessage());
        }
    }

    /** Records a problem filed under the column of the condition being checked. */
    private void error(String field, String code, String message) {
        errors.add(new FilterError(field, code, message, column));
    }

    private static String describe(ColumnType type) {
        return switch (type) {
            case INTEGER -> "an integer";
            case ARRAY -> "an array";
            case OTHER -> "of a type compared by equality only";
            case TIMESTAMPTZ -> "a timestamp with time zone";
            case TIMESTAMP -> "a timestamp without time zone";
            case UUID -> "a uuid";
            case JSON -> "a json";
            default -> "a " + type.name().toLowerCase(Locale.ROOT);
        };
    }
}
