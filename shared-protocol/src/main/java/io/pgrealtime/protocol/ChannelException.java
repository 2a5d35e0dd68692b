package io.pgrealtime.protocol;

/** A channel name that does not parse; wire code {@value #CODE}. */
public class ChannelException extends ProtocolException {
    /** The wire error code. */
    public static final String CODE = "INVALID_CHANNEL";

    public ChannelException(String message) {
        super(CODE, message);
    }
}
