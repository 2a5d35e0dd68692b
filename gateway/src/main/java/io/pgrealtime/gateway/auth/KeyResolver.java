package io.pgrealtime.gateway.auth;

import java.util.List;
import java.util.Set;

/**
 * Finds the keys that may verify a token. The extension point for key sources: a fixed secret or
 * public key today ({@link StaticKeyResolver}), a JWKS document fetched from {@code JWKS_URL} and
 * cached by {@code kid} later.
 *
 * <p>Contract: {@link JwtVerifier} calls {@link #keys} only for a header whose algorithm is in
 * {@link #algorithms()}; it then uses only returned keys whose {@link VerificationKey#algorithm()}
 * is the header's algorithm, so a resolver cannot cause algorithm confusion by mistake. Returning
 * several keys (key rotation) is allowed: the token is accepted if any of them verifies it. An
 * empty list refuses the token. Implementations must be thread-safe and should not block for long
 * (a JWKS resolver refreshes in the background and answers from its cache).
 */
public interface KeyResolver {

    /** The algorithms this resolver has keys for; tokens naming any other algorithm are refused. */
    Set<JwtAlgorithm> algorithms();

    /** Candidate keys for a token with this header. */
    List<VerificationKey> keys(JwtAlgorithm algorithm, JwtHeader header);
}
