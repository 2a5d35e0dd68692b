package io.pgrealtime.gateway.session;

import io.pgrealtime.gateway.auth.AuthException;
import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.auth.TokenVerifier;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection's token lifetime, the same for every transport: when the principal's token
 * ({@code exp}) runs out, {@code onExpired} runs (the transport then sends {@code TOKEN_EXPIRED}
 * in its own vocabulary and closes); an in-band refresh (raw {@code {"type":"auth"}}, Socket.IO
 * {@code auth} event) verifies the new token, replaces the principal and re-arms the timer.
 *
 * <p>A refreshed token must be for the same user as the connection's ({@code UNAUTHORIZED}
 * otherwise, and nothing changes): a connection never changes identity. A refused refresh keeps
 * the old principal and its timer. Thread-safe.
 */
public final class TokenLifetime {
    private final TokenVerifier verifier;
    private final ClientSession session;
    private final ScheduledExecutorService timers;
    private final Runnable onExpired;
    private ScheduledFuture<?> timer;
    private boolean cancelled;

    /**
     * @param timers    runs {@code onExpired} (a connection's event loop)
     * @param onExpired what the transport does when the token runs out without a refresh
     */
    public TokenLifetime(TokenVerifier verifier, ClientSession session, ScheduledExecutorService timers, Runnable onExpired) {
        this.verifier = verifier;
        this.session = session;
        this.timers = timers;
        this.onExpired = onExpired;
    }

    /** (Re-)arms the timer at the current principal's expiry; nothing for a principal without one. */
    public synchronized void arm() {
        if (cancelled) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        Instant exp = session.principal().expiresAt();
        if (exp != null) {
            long delay = Math.max(0, exp.toEpochMilli() - System.currentTimeMillis());
            timer = timers.schedule(this::fire, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void fire() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
        }
        onExpired.run();
    }

    /**
     * Verifies a fresh token and makes it the connection's.
     *
     * @return the new principal
     * @throws GatewayException {@code UNAUTHORIZED} (bad token, or one for another user) or
     *                          {@code TOKEN_EXPIRED}; the connection keeps its principal then
     */
    public Principal refresh(String token) {
        if (token == null || token.isBlank()) {
            throw new GatewayException(ErrorCode.UNAUTHORIZED, "missing token");
        }
        Principal next;
        try {
            next = verifier.verify(token);
        } catch (AuthException e) {
            throw new GatewayException(ErrorCode.valueOf(e.code().name()), e.getMessage());
        }
        Principal current = session.principal();
        if (!current.anonymous() && !Objects.equals(current.userId(), next.userId())) {
            throw new GatewayException(ErrorCode.UNAUTHORIZED, "a refreshed token must be for the same user");
        }
        synchronized (this) {
            if (cancelled) {
                throw new GatewayException(ErrorCode.TOKEN_EXPIRED, "the token already ran out");
            }
            session.principal(next);
            arm();
        }
        return next;
    }

    /** The connection closed: the timer is stopped. */
    public synchronized void cancel() {
        cancelled = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
