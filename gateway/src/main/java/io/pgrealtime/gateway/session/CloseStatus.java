package io.pgrealtime.gateway.session;

/** WebSocket close statuses of protocol.md §1, with the error code that is their reason. */
public enum CloseStatus {
    UNAUTHORIZED(4001),
    TOKEN_EXPIRED(4003),
    SLOW_CONSUMER(4008),
    CONNECTION_LIMIT_EXCEEDED(4029);

    private final int status;

    CloseStatus(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
