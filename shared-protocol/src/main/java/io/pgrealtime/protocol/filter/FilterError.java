package io.pgrealtime.protocol.filter;

import java.util.Objects;

/**
 * One problem in a filter, sent to clients in the {@code details} of an {@code INVALID_FILTERS}
 * error.
 *
 * @param field   where: a dotted path into the filter JSON, e.g. {@code status},
 *                {@code priority.gte}, {@code $or[1].status}, {@code category_id.in[2]}, or
 *                {@code $} for the filter as a whole
 * @param code    {@link #UNKNOWN_FIELD}, {@link #UNSUPPORTED_OPERATOR} or {@link #INVALID_VALUE}
 * @param message a sentence for humans
 */
public record FilterError(String field, String code, String message) {
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
    }
}
