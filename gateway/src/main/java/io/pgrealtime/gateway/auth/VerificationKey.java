package io.pgrealtime.gateway.auth;

import java.security.Key;
import java.util.Objects;

/**
 * A key that may verify tokens of one algorithm.
 *
 * @param algorithm the only algorithm this key is used with
 * @param key       a {@link javax.crypto.SecretKey} for HS256, an RSA or P-256 public key otherwise
 * @param kid       the key id that selects it ({@code kid} header), or null to match any token
 */
public record VerificationKey(JwtAlgorithm algorithm, Key key, String kid) {
    /** @throws IllegalArgumentException if the key does not suit the algorithm (see {@link JwtAlgorithm#checkKey}) */
    public VerificationKey {
        Objects.requireNonNull(algorithm, "algorithm");
        algorithm.checkKey(key);
    }

    /** Whether this key may verify a token whose header names {@code algorithm} and {@code kid}. */
    public boolean matches(JwtAlgorithm tokenAlgorithm, String tokenKid) {
        return algorithm == tokenAlgorithm && (kid == null || kid.equals(tokenKid));
    }
}
