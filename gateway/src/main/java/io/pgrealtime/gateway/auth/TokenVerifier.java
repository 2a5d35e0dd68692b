package io.pgrealtime.gateway.auth;

/**
 * Turns a bearer token into a {@link Principal}: the one seam between transports and token
 * verification (protocol.md §0). Transports call {@link #verify} at connect and on every in-band
 * {@code auth}; they never see keys, algorithms or claims rules.
 *
 * <p>Contract: implementations are thread-safe and never return null. A refusal is an
 * {@link AuthException}: {@link AuthException.Code#TOKEN_EXPIRED} for a correctly signed token past
 * its {@code exp}, {@link AuthException.Code#UNAUTHORIZED} for everything else; the message is safe
 * to send to the client (it never echoes the token or key material). {@link #verify} may block
 * briefly (bounded by the key source's HTTP timeout) the first time it meets a key id it has not
 * seen; otherwise it answers from memory.
 */
public interface TokenVerifier extends AutoCloseable {

    /**
     * Verifies a token and returns its principal.
     *
     * @param token the compact JWS, without a {@code Bearer } prefix
     * @throws AuthException if the token is refused
     */
    Principal verify(String token);

    /** Releases background resources (a JWKS refresher); verifying after close is undefined. */
    @Override
    default void close() {
    }
}
