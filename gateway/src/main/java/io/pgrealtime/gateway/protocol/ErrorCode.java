package io.pgrealtime.gateway.protocol;

/** Error codes of protocol.md §1 (and §2 for Socket.IO). */
public enum ErrorCode {
    UNAUTHORIZED,
    TOKEN_EXPIRED,
    FORBIDDEN,
    INVALID_CHANNEL,
    INVALID_MESSAGE,
    INVALID_FILTERS,
    SUBSCRIPTION_FAILED,
    SUBSCRIPTION_LIMIT_EXCEEDED,
    RATE_LIMITED,
    CONNECTION_LIMIT_EXCEEDED,
    SLOW_CONSUMER
}
