package io.pgrealtime.gateway.auth;

import java.util.Objects;

/**
 * A token was refused. {@link #code()} is the protocol error code; {@link #getMessage()} is safe
 * to send to the client as is: it never contains the token, key material or a stack trace.
 *
 * <p>No stack trace is captured: refusals are expected traffic (a client may retry with bad
 * tokens at a high rate) and the message says everything there is to know.
 */
public final class AuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Protocol error codes of a refused token (protocol.md §1). */
    public enum Code {
        /** Missing, malformed, wrongly signed, not yet valid, or with a claim that does not match. */
        UNAUTHORIZED,
        /** Well-formed and correctly signed, but past its {@code exp} (beyond the clock skew). */
        TOKEN_EXPIRED
    }

    private final Code code;

    public AuthException(Code code, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    static AuthException unauthorized(String message) {
        return new AuthException(Code.UNAUTHORIZED, message);
    }

    public Code code() {
        return code;
    }
}
