package io.pgrealtime.relay.pgoutput;

/**
 * The bytes received are not a well-formed pgoutput protocol v1 message: truncated, an unknown
 * message type or tuple kind, a length that runs past the end, or bytes left over.
 *
 * <p>Unchecked on purpose: it cannot be handled locally. The replication stream must stop (and be
 * restarted from the last confirmed LSN) rather than skip a message it did not understand, since
 * skipping would lose a committed change.
 */
public class PgOutputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PgOutputException(String message) {
        super(message);
    }

    public PgOutputException(String message, Throwable cause) {
        super(message, cause);
    }
}
