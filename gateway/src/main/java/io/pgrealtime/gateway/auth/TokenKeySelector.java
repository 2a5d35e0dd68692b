package io.pgrealtime.gateway.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;

import java.security.Key;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Picks verification keys by the token's algorithm family, which is what rules out algorithm
 * confusion: HMAC algorithms ({@code HS*}) only ever get the shared secret (whatever the token's
 * {@code kid}, as issuers of shared-secret tokens write one or not), asymmetric ones
 * ({@code RS*}, {@code PS*}, {@code ES*}) only ever get public keys from the key source, matched by
 * key type, {@code kid}, {@code use} and the key's own {@code alg}. An RSA public key is never
 * used as an HMAC secret, and a secret (even one published as an {@code oct} JWK) never verifies
 * an asymmetric token. RSA keys shorter than {@value #MIN_RSA_BITS} bits are ignored.
 *
 * <p>Immutable and thread-safe.
 */
final class TokenKeySelector implements JWSKeySelector<SecurityContext> {
    /** Asymmetric algorithms accepted from a key source (RFC 7518 §3.3-3.5; the JDK provides them all). */
    static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    /** RFC 7518 §3.3: a key of 2048 bits or larger MUST be used. */
    static final int MIN_RSA_BITS = 2048;

    private final SecretKey secret;
    private final Set<JWSAlgorithm> hmacAlgorithms;
    private final JWSVerificationKeySelector<SecurityContext> keySource;
    private final Set<JWSAlgorithm> algorithms;

    /**
     * @param secret    the HMAC secret, or null for none
     * @param keySource public keys for the asymmetric algorithms, or null for none
     */
    TokenKeySelector(byte[] secret, JWKSource<SecurityContext> keySource) {
        Set<JWSAlgorithm> all = new HashSet<>();
        if (secret != null) {
            this.hmacAlgorithms = hmacAlgorithms(secret.length);
            this.secret = new SecretKeySpec(secret, "HmacSHA256");
            all.addAll(hmacAlgorithms);
        } else {
            this.hmacAlgorithms = Set.of();
            this.secret = null;
        }
        if (keySource != null) {
            this.keySource = new JWSVerificationKeySelector<>(ASYMMETRIC, keySource);
            all.addAll(ASYMMETRIC);
        } else {
            this.keySource = null;
        }
        this.algorithms = Set.copyOf(all);
    }

    /**
     * The HMAC algorithms a secret of this many bytes may verify: RFC 7518 §3.2 asks for a key at
     * least as long as the hash output, so HS256 needs 32 bytes, HS384 48 and HS512 64.
     *
     * @throws IllegalArgumentException if shorter than 32 bytes
     */
    static Set<JWSAlgorithm> hmacAlgorithms(int secretBytes) {
        if (secretBytes < 32) {
            throw new IllegalArgumentException("the HMAC secret must be at least 32 bytes (256 bits)");
        }
        Set<JWSAlgorithm> algs = new HashSet<>(List.of(JWSAlgorithm.HS256));
        if (secretBytes >= 48) {
            algs.add(JWSAlgorithm.HS384);
        }
        if (secretBytes >= 64) {
            algs.add(JWSAlgorithm.HS512);
        }
        return Set.copyOf(algs);
    }

    /** Every algorithm some configured key may verify; a token naming any other is refused unread. */
    Set<JWSAlgorithm> algorithms() {
        return algorithms;
    }

    @Override
    public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
        JWSAlgorithm alg = header.getAlgorithm();
        if (JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
            return hmacAlgorithms.contains(alg) ? List.of(secret) : List.of();
        }
        if (keySource == null || !keySource.isAllowed(alg)) {
            return List.of();
        }
        List<Key> keys = new ArrayList<>();
        for (Key k : keySource.selectJWSKeys(header, context)) {
            if (!(k instanceof RSAKey rsa) || rsa.getModulus().bitLength() >= MIN_RSA_BITS) {
                keys.add(k);
            }
        }
        return keys;
    }
}
