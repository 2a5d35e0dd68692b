package io.pgrealtime.gateway.auth;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * The JWS algorithms the gateway can verify (RFC 7518 §3). {@code none} is deliberately absent:
 * there is no way to configure it.
 *
 * <p>Each algorithm names the only kind of key it may be used with. The verifier checks this
 * before it verifies anything, which is what defeats algorithm confusion: an RSA public key is
 * never used as an HMAC secret, whatever the token's header says.
 */
public enum JwtAlgorithm {
    /** HMAC with SHA-256; a shared secret of at least 256 bits. */
    HS256("HmacSHA256"),
    /** RSASSA-PKCS1-v1_5 with SHA-256; an RSA public key of at least 2048 bits. */
    RS256("SHA256withRSA"),
    /** ECDSA on P-256 with SHA-256; the signature is R||S (64 bytes), not DER. */
    ES256("SHA256withECDSAinP1363Format");

    /** Smallest HS256 secret, in bytes (RFC 7518 §3.2: a key of the hash's size or larger). */
    public static final int MIN_HMAC_SECRET_BYTES = 32;
    /** Smallest RSA modulus, in bits (RFC 7518 §3.3). */
    public static final int MIN_RSA_BITS = 2048;

    private static final ECParameterSpec P256 = p256();

    private final String jcaName;

    JwtAlgorithm(String jcaName) {
        this.jcaName = jcaName;
    }

    /** The JCA algorithm name ({@link javax.crypto.Mac} for HS256, {@link java.security.Signature} otherwise). */
    public String jcaName() {
        return jcaName;
    }

    /** The algorithm a JOSE header names, if it is one of ours ({@code "none"} and unknown names are empty). */
    public static Optional<JwtAlgorithm> fromHeader(String alg) {
        if (alg == null) {
            return Optional.empty();
        }
        for (JwtAlgorithm a : values()) {
            if (a.name().equals(alg)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * Checks that {@code key} is a key this algorithm may use.
     *
     * @throws IllegalArgumentException if it is of the wrong kind or too weak
     */
    public void checkKey(Key key) {
        switch (this) {
            case HS256 -> {
                if (!(key instanceof SecretKey)) {
                    throw new IllegalArgumentException("HS256 needs a secret key, not " + describe(key));
                }
                byte[] encoded = key.getEncoded();
                if (encoded == null || encoded.length < MIN_HMAC_SECRET_BYTES) {
                    throw new IllegalArgumentException("HS256 secret must be at least " + MIN_HMAC_SECRET_BYTES
                            + " bytes (256 bits)");
                }
            }
            case RS256 -> {
                if (!(key instanceof RSAPublicKey rsa)) {
                    throw new IllegalArgumentException("RS256 needs an RSA public key, not " + describe(key));
                }
                if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                    throw new IllegalArgumentException("RS256 key must have at least " + MIN_RSA_BITS + " bits");
                }
            }
            case ES256 -> {
                if (!(key instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
                    throw new IllegalArgumentException("ES256 needs a P-256 public key, not " + describe(key));
                }
            }
        }
    }

    static boolean isP256(ECParameterSpec params) {
        // Compare the curve itself, not just its size: secp256k1 is 256 bits too.
        return params != null && params.getCurve().equals(P256.getCurve())
                && params.getOrder().equals(P256.getOrder()) && params.getGenerator().equals(P256.getGenerator());
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp256r1"));
            return p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256 curve", e);
        }
    }

    private static String describe(Key key) {
        return key == null ? "null" : key.getAlgorithm() + " " + key.getClass().getSimpleName();
    }
}
