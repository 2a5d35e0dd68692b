package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.protocol.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.pgrealtime.protocol.filter.FilterError.INVALID_VALUE;
import static io.pgrealtime.protocol.filter.FilterError.UNSUPPORTED_OPERATOR;

/**
 * Parses the filter JSON of protocol section 4 into a {@link Filter}.
 *
 * <pre>{@code
 * {"status": "open",                        bare value: eq
 *  "priority": {"gte": 3, "lt": 9},         several operators on a column: AND
 *  "$or": [{"owner_id": "u1"}, {"is_public": true}]}
 * }</pre>
 *
 * <p>Checks shape only (operators, value kinds, and the limits below: depth, condition count,
 * {@code in} list size, like pattern length, string size); columns and types are checked by
 * {@link FilterValidator} against a table. All problems are collected before throwing. Stateless
 * and thread-safe from the caller's view (each call uses its own state).
 */
public final class FilterParser {
    /**
     * Deepest nesting of filter objects; the top-level object is depth 1 and each {@code $and} or
     * {@code $or} element one deeper. A deeper filter is refused with {@code INVALID_VALUE} at
     * {@code $}.
     */
    public static final int MAX_DEPTH = 8;
    /**
     * Most conditions (operator applications; {@code {"gt":1,"lt":5}} counts 2) in one filter, at
     * all depths together. More are refused with {@code INVALID_VALUE} at {@code $}.
     */
    public static final int MAX_CONDITIONS = 64;
    /**
     * Most values in one literal {@code in} list; a longer list is refused with
     * {@code INVALID_VALUE} at the {@code in}. A list claim bound into an {@code in} is not limited
     * (it comes from the token, not from the client).
     */
    public static final int MAX_IN_VALUES = 100;
    /**
     * Longest {@code like}/{@code ilike} pattern, in characters (code points, escapes included).
     * A longer one is refused with {@code INVALID_VALUE} at the operator, here and, for patterns
     * bound from claims, by {@link FilterValidator}. Matching is linear in the row value's length
     * for any pattern; the limit bounds the factor.
     */
    public static final int MAX_LIKE_PATTERN_LENGTH = 256;
    /**
     * Longest string operand of any operator, in UTF-8 bytes (4 KiB). A longer one is refused with
     * {@code INVALID_VALUE} at the value, here and, for values bound from claims, by
     * {@link FilterValidator}.
     */
    public static final int MAX_STRING_BYTES = 4096;

    private static final String OPERATORS = "eq, neq, gt, gte, lt, lte, in, like, ilike, between, is";

    private final List<FilterError> errors = new ArrayList<>();
    /** The column whose conditions are being parsed, or null: the key its problems are filed under. */
    private String column;
    private int conditions;
    private boolean depthReported;
    private boolean countReported;

    private FilterParser() {
    }

    /**
     * Parses a filter. {@code null}, JSON {@code null} and {@code {}} give {@link Filter#TRUE}.
     *
     * @throws FilterException with every problem found
     */
    public static Filter parse(JsonNode json) {
        if (json == null || json.isNull() || json.isMissingNode()) {
            return Filter.TRUE;
        }
        FilterParser parser = new FilterParser();
        Filter result = null;
        if (!json.isObject()) {
            parser.error("$", INVALID_VALUE, "a filter must be a JSON object");
        } else {
            result = parser.object(json, "", 1);
        }
        if (!parser.errors.isEmpty()) {
            throw new FilterException(parser.errors);
        }
        return result;
    }

    /**
     * Parses filter JSON text (for configured row filters).
     *
     * @throws FilterException if the text is not JSON, or as {@link #parse(JsonNode)}
     */
    public static Filter parse(String json) {
        try {
            return parse(Json.mapper().readTree(json));
        } catch (JsonProcessingException e) {
            throw new FilterException(List.of(new FilterError("$", INVALID_VALUE,
                    "filter is not valid JSON: " + e.getOriginalMessage())));
        }
    }

    private Filter object(JsonNode node, String prefix, int depth) {
        List<Filter> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            String at = prefix.isEmpty() ? key : prefix + "." + key;
            if (key.equals("$and") || key.equals("$or")) {
                add(parts, logical(key, e.getValue(), at, depth));
            } else if (key.startsWith("$")) {
                error(at, key, UNSUPPORTED_OPERATOR, "unknown logical operator '" + key + "'; use $and or $or");
            } else {
                column(key, e.getValue(), at, parts);
            }
        }
        return conjunction(parts);
    }

    private Filter logical(String key, JsonNode value, String at, int depth) {
        if (!value.isArray() || value.isEmpty()) {
            error(at, key, INVALID_VALUE, key + " must be a non-empty array of filter objects");
            return null;
        }
        if (depth >= MAX_DEPTH) {
            if (!depthReported) {
                depthReported = true;
                error("$", INVALID_VALUE, "filter nests deeper than " + MAX_DEPTH + " levels");
            }
            return null;
        }
        List<Filter> children = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            String elementAt = at + "[" + i + "]";
            if (!element.isObject()) {
                error(elementAt, key, INVALID_VALUE, key + " elements must be filter objects");
            } else {
                add(children, object(element, elementAt, depth + 1));
            }
        }
        if (children.size() != value.size()) {
            return null;
        }
        if (children.size() == 1) {
            return children.get(0);
        }
        return key.equals("$and") ? new Filter.And(children) : new Filter.Or(children);
    }

    private void column(String column, JsonNode value, String at, List<Filter> parts) {
        this.column = column;
        try {
            columnConditions(column, value, at, parts);
        } finally {
            this.column = null;
        }
    }

    private void columnConditions(String column, JsonNode value, String at, List<Filter> parts) {
        if (!value.isObject()) {
            if (scalar(value, at) && count()) {
                parts.add(new Filter.Compare(column, Filter.Op.EQ, value, at));
            }
            return;
        }
        if (value.isEmpty()) {
            error(at, INVALID_VALUE, "an operator object needs at least one operator (" + OPERATORS + ")");
            return;
        }
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            add(parts, operator(column, e.getKey(), e.getValue(), at + "." + e.getKey()));
        }
    }

    private Filter operator(String column, String op, JsonNode value, String at) {
        Filter.Op compare = Filter.Op.forToken(op);
        if (compare != null) {
            return scalar(value, at) && count() ? new Filter.Compare(column, compare, value, at) : null;
        }
        return switch (op) {
            case "in" -> in(column, value, at);
            case "between" -> between(column, value, at);
            case "like", "ilike" -> like(column, value, op.equals("ilike"), at);
            case "is" -> is(column, value, at);
            default -> {
                error(at, UNSUPPORTED_OPERATOR, "unsupported operator '" + op + "'; supported: " + OPERATORS);
                yield null;
            }
        };
    }

    private Filter in(String column, JsonNode value, String at) {
        if (Placeholders.claimName(value) != null) {
            return withinSize(value, at) && count() ? new Filter.In(column, List.of(value), at) : null;
        }
        if (!value.isArray() || value.isEmpty()) {
            error(at, INVALID_VALUE, "in needs a non-empty array of values");
            return null;
        }
        if (value.size() > MAX_IN_VALUES) {
            error(at, INVALID_VALUE, "in takes at most " + MAX_IN_VALUES + " values");
            return null;
        }
        List<JsonNode> values = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            if (scalar(value.get(i), at + "[" + i + "]")) {
                values.add(value.get(i));
            }
        }
        return values.size() == value.size() && count() ? new Filter.In(column, values, at) : null;
    }

    private Filter between(String column, JsonNode value, String at) {
        if (!value.isArray() || value.size() != 2) {
            error(at, INVALID_VALUE, "between needs an array of two values [low, high]");
            return null;
        }
        boolean low = scalar(value.get(0), at + "[0]");
        boolean high = scalar(value.get(1), at + "[1]");
        return low && high && count() ? new Filter.Between(column, value.get(0), value.get(1), at) : null;
    }

    private Filter like(String column, JsonNode value, boolean caseInsensitive, String at) {
        String op = caseInsensitive ? "ilike" : "like";
        if (!value.isTextual()) {
            error(at, INVALID_VALUE, op + " needs a string pattern");
            return null;
        }
        String problem = Placeholders.claimName(value) == null
                ? LikePattern.problem(value.textValue()) : stringProblem(value.textValue());
        if (problem != null) {
            error(at, INVALID_VALUE, problem);
            return null;
        }
        return count() ? new Filter.Like(column, value.textValue(), caseInsensitive, at) : null;
    }

    private Filter is(String column, JsonNode value, String at) {
        Filter.IsValue v;
        if (value.isNull()) {
            v = Filter.IsValue.NULL;
        } else if (value.isBoolean()) {
            v = value.booleanValue() ? Filter.IsValue.TRUE : Filter.IsValue.FALSE;
        } else {
            error(at, INVALID_VALUE, "is takes null, true or false");
            return null;
        }
        return count() ? new Filter.Is(column, v, at) : null;
    }

    /** Whether the value is a usable scalar; records an error if not. */
    private boolean scalar(JsonNode value, String at) {
        if (value.isNull()) {
            error(at, INVALID_VALUE, "null never compares equal or unequal to anything; use {\"is\": null}");
            return false;
        }
        if (!(value.isTextual() || value.isNumber() || value.isBoolean())) {
            error(at, INVALID_VALUE, value.isArray()
                    ? "expected a string, number or boolean; for a list of values use {\"in\": [...]}"
                    : "expected a string, number or boolean");
            return false;
        }
        return withinSize(value, at);
    }

    /** Whether a string value is within {@link #MAX_STRING_BYTES}; records an error if not. */
    private boolean withinSize(JsonNode value, String at) {
        String problem = value.isTextual() ? stringProblem(value.textValue()) : null;
        if (problem != null) {
            error(at, INVALID_VALUE, problem);
            return false;
        }
        return true;
    }

    /** Null if the string operand is within {@link #MAX_STRING_BYTES}, else the message. */
    static String stringProblem(String value) {
        // Cheap bound first: a char takes at most 3 UTF-8 bytes (a surrogate pair 4 for 2 chars).
        if (value.length() <= MAX_STRING_BYTES / 3) {
            return null;
        }
        long bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes <= MAX_STRING_BYTES ? null
                : "a string value may be at most " + MAX_STRING_BYTES + " bytes (UTF-8); this one has " + bytes;
    }

    /** Counts one condition; false (and one error) once the limit is passed. */
    private boolean count() {
        conditions++;
        if (conditions > MAX_CONDITIONS) {
            if (!countReported) {
                countReported = true;
                error("$", INVALID_VALUE, "filter has more than " + MAX_CONDITIONS + " conditions");
            }
            return false;
        }
        return true;
    }

    private static Filter conjunction(List<Filter> parts) {
        if (parts.isEmpty()) {
            return Filter.TRUE;
        }
        return parts.size() == 1 ? parts.get(0) : new Filter.And(parts);
    }

    private static void add(List<Filter> parts, Filter f) {
        if (f != null) {
            parts.add(f);
        }
    }

    /** A problem of the column being parsed ({@code $} for the filter as a whole). */
    private void error(String field, String code, String message) {
        error(field, field.equals("$") ? "$" : column != null ? column : FilterError.keyOf(field), code, message);
    }

    private void error(String field, String key, String code, String message) {
        errors.add(new FilterError(field, code, message, key));
    }
}
