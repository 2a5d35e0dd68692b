package io.pgrealtime.gateway.session;

/**
 * Token bucket: {@code perMinute} tokens, refilled continuously. Confined to the connection's
 * event loop (not thread-safe).
 */
public final class RateLimiter {
    private final double capacity;
    private final double refillPerNano;
    private double tokens;
    private long last;

    public RateLimiter(int perMinute) {
        this.capacity = perMinute;
        this.refillPerNano = perMinute / 60e9;
        this.tokens = perMinute;
        this.last = System.nanoTime();
    }

    /** Takes a token if there is one. */
    public boolean tryAcquire() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) * refillPerNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
