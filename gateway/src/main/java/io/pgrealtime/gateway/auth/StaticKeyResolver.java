package io.pgrealtime.gateway.auth;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A fixed set of keys from configuration (an HS256 secret, an RS256 or ES256 public key).
 *
 * <p>Immutable and thread-safe. A key with a {@code kid} matches only tokens naming that
 * {@code kid}; a key without one matches every token of its algorithm.
 */
public final class StaticKeyResolver implements KeyResolver {
    private final List<VerificationKey> keys;
    private final Set<JwtAlgorithm> algorithms;

    public StaticKeyResolver(List<VerificationKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one verification key is needed");
        }
        this.keys = List.copyOf(keys);
        EnumSet<JwtAlgorithm> algs = EnumSet.noneOf(JwtAlgorithm.class);
        keys.forEach(k -> algs.add(k.algorithm()));
        this.algorithms = Set.copyOf(algs);
    }

    @Override
    public Set<JwtAlgorithm> algorithms() {
        return algorithms;
    }

    @Override
    public List<VerificationKey> keys(JwtAlgorithm algorithm, JwtHeader header) {
        List<VerificationKey> out = new ArrayList<>(1);
        for (VerificationKey k : keys) {
            if (k.matches(algorithm, header.kid())) {
                out.add(k);
            }
        }
        return out;
    }
}
