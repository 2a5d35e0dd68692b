package io.pgrealtime.protocol.filter;

import io.pgrealtime.protocol.ProtocolException;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A filter that cannot be accepted; wire code {@value #CODE}. Carries every problem found, not just
 * the first, in {@link #details()}.
 */
public class FilterException extends ProtocolException {
    /** The wire error code. */
    public static final String CODE = "INVALID_FILTERS";

    private final List<FilterError> details;

    /** @param details at least one error */
    public FilterException(List<FilterError> details) {
        super(CODE, summary(details));
        if (details.isEmpty()) {
            throw new IllegalArgumentException("a FilterException needs at least one error");
        }
        this.details = List.copyOf(details);
    }

    /** The problems, in the order found (document order of the filter). */
    public List<FilterError> details() {
        return details;
    }

    private static String summary(List<FilterError> details) {
        String first = details.stream().limit(3)
                .map(e -> e.field() + ": " + e.message())
                .collect(Collectors.joining("; "));
        return "invalid filter: " + first + (details.size() > 3 ? "; and " + (details.size() - 3) + " more" : "");
    }
}
