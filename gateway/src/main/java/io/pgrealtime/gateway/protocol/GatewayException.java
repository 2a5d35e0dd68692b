package io.pgrealtime.gateway.protocol;

import io.pgrealtime.protocol.filter.FilterError;

import java.util.List;

/**
 * A request the gateway refuses, with the protocol's error code and a message safe to show to the
 * client. Never carries internals.
 */
public class GatewayException extends RuntimeException {
    private final ErrorCode code;
    private final transient List<FilterError> details;

    public GatewayException(ErrorCode code, String message) {
        this(code, message, List.of());
    }

    public GatewayException(ErrorCode code, String message, List<FilterError> details) {
        super(message, null, false, false);
        this.code = code;
        this.details = List.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    public List<FilterError> details() {
        return details;
    }
}
