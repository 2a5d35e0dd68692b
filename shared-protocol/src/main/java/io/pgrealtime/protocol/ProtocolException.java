package io.pgrealtime.protocol;

import java.util.Objects;

/**
 * A client-caused protocol error that maps to one wire error code (section 1 of the protocol):
 * transports turn it into {@code {"type":"error","code":code(),"message":getMessage()}} (or the
 * Socket.IO ack equivalent) without closing the connection.
 */
public class ProtocolException extends RuntimeException {
    private final String code;

    public ProtocolException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The wire error code, e.g. {@code INVALID_CHANNEL}. */
    public String code() {
        return code;
    }
}
