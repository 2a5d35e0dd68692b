package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.Json;

import java.util.List;
import java.util.Objects;

/**
 * One problem in a filter, sent to clients in the {@code details} of an {@code INVALID_FILTERS}
 * error ({@link #details(List)}).
 *
 * @param field   where: a dotted path into the filter JSON, e.g. {@code status},
 *                {@code priority.gte}, {@code $or[1].status}, {@code category_id.in[2]}, or
 *                {@code $} for the filter as a whole
 * @param code    {@link #UNKNOWN_FIELD}, {@link #UNSUPPORTED_OPERATOR} or {@link #INVALID_VALUE}
 * @param message a sentence for humans
 * @param key     what {@code details} files the problem under: the column it is about
 *                ({@code priority} for {@code priority.gte}, {@code status} for {@code $or[1].status}),
 *                the logical key for a problem of {@code $and}/{@code $or} or an unknown {@code $} key,
 *                {@code $} for the filter as a whole
 */
public record FilterError(String field, String code, String message, String key) {
    /** The column does not exist, or may not be filtered by this caller. */
    public static final String UNKNOWN_FIELD = "UNKNOWN_FIELD";
    /** Unknown operator, or one the column's type does not support. */
    public static final String UNSUPPORTED_OPERATOR = "UNSUPPORTED_OPERATOR";
    /** A value of the wrong shape or type, or a limit exceeded. */
    public static final String INVALID_VALUE = "INVALID_VALUE";

    public FilterError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(key, "key");
    }

    /** A problem whose key is read from its path ({@link #keyOf}). */
    public FilterError(String field, String code, String message) {
        this(field, code, message, keyOf(field));
    }

    /**
     * The key of a path when the column is not known otherwise: the path without its leading
     * {@code $and[i].}/{@code $or[i].} steps, up to its first {@code .} or {@code [} (a column name
     * that itself holds a dot is cut there; the parser and the validator pass the column instead).
     */
    public static String keyOf(String field) {
        String rest = field;
        while (rest.startsWith("$and[") || rest.startsWith("$or[")) {
            int close = rest.indexOf("].");
            if (close < 0) {
                break;
            }
            rest = rest.substring(close + 2);
        }
        if (rest.equals("$") || rest.isEmpty()) {
            return "$";
        }
        int end = rest.length();
        int dot = rest.indexOf('.');
        int bracket = rest.indexOf('[');
        if (dot > 0) {
            end = dot;
        }
        if (bracket > 0 && bracket < end) {
            end = bracket;
        }
        return rest.substring(0, end);
    }

    /**
     * The {@code details} of an {@code INVALID_FILTERS} error, keyed by field as seed 003's clients
     * read them ({@code error.details.invalid_field.code}):
     * <pre>{"invalid_field": {"code": "UNKNOWN_FIELD", "message": "…", "field": "invalid_field"},
     *  "priority": {"code": "INVALID_VALUE", "message": "…", "field": "priority.gte"}}</pre>
     * One entry per {@link #key()}, in the order found, with the first problem's {@code code},
     * {@code message} and {@code field} (its path); when a key has several problems, {@code problems}
     * lists every one of them as {@code {field, code, message}}, the first included.
     */
    public static ObjectNode details(List<FilterError> errors) {
        ObjectNode out = Json.object();
        for (FilterError e : errors) {
            ObjectNode entry = (ObjectNode) out.get(e.key());
            if (entry == null) {
                out.putObject(e.key()).put("code", e.code()).put("message", e.message()).put("field", e.field());
                continue;
            }
            ArrayNode all = (ArrayNode) entry.get("problems");
            if (all == null) {
                all = entry.putArray("problems");
                all.addObject().put("field", entry.get("field").asText()).put("code", entry.get("code").asText())
                        .put("message", entry.get("message").asText());
            }
            all.addObject().put("field", e.field()).put("code", e.code()).put("message", e.message());
        }
        return out;
    }
}
