package io.pgrealtime.gateway.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import io.pgrealtime.protocol.Json;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Mints signed JWTs with Nimbus signers: HS256 with a shared secret (what {@code JWT_SECRET}
 * verifies), or any JWS algorithm with a signer of one's own (RS256/ES256 with a private key whose
 * public half is in a JWKS). For tests, the dev launcher and server-side tooling; the gateway itself
 * only verifies, and this class stays out of its runnable jar.
 *
 * <pre>{@code
 * String jwt = JwtIssuer.hs256(secret).token().subject("u1").role("user").expiresIn(Duration.ofHours(1)).sign();
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link Token} builders are not thread-safe.
 */
public final class JwtIssuer {
    private final JWSAlgorithm algorithm;
    private final JWSSigner signer;
    private final String keyId;
    private final Clock clock;

    private JwtIssuer(JWSAlgorithm algorithm, JWSSigner signer, String keyId, Clock clock) {
        this.algorithm = algorithm;
        this.signer = signer;
        this.keyId = keyId;
        this.clock = clock;
    }

    /** An HS256 issuer for this secret (its UTF-8 bytes; at least 32). */
    public static JwtIssuer hs256(String secret) {
        return hs256(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** An HS256 issuer for these secret bytes (at least 32). */
    public static JwtIssuer hs256(byte[] secret) {
        return hmac(JWSAlgorithm.HS256, secret);
    }

    /** An HS256, HS384 or HS512 issuer; the secret must be at least as long as the hash (32, 48, 64 bytes). */
    public static JwtIssuer hmac(JWSAlgorithm algorithm, byte[] secret) {
        try {
            return of(algorithm, new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("HMAC secret must be at least 32 bytes (256 bits)", e);
        }
    }

    /** An RS256 issuer for an RSA private key (at least 2048 bits). */
    public static JwtIssuer rs256(PrivateKey key) {
        requireAlgorithm(key, "RSA");
        return of(JWSAlgorithm.RS256, new RSASSASigner(key));
    }

    /** An ES256 issuer for a P-256 private key. */
    public static JwtIssuer es256(PrivateKey key) {
        requireAlgorithm(key, "EC");
        try {
            return of(JWSAlgorithm.ES256, new ECDSASigner((ECPrivateKey) key));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("expected a P-256 private key", e);
        }
    }

    /** An issuer signing with {@code algorithm} through this signer (PS256, ES384, RS512, ...). */
    public static JwtIssuer of(JWSAlgorithm algorithm, JWSSigner signer) {
        return new JwtIssuer(Objects.requireNonNull(algorithm, "algorithm"), Objects.requireNonNull(signer, "signer"),
                null, Clock.systemUTC());
    }

    /** The same issuer, writing {@code kid} into the header. */
    public JwtIssuer withKeyId(String kid) {
        return new JwtIssuer(algorithm, signer, kid, clock);
    }

    /** The same issuer, taking {@code iat} and relative expiry from {@code clock}. */
    public JwtIssuer withClock(Clock clock) {
        return new JwtIssuer(algorithm, signer, keyId, Objects.requireNonNull(clock, "clock"));
    }

    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    /** Starts a token with {@code iat} = now and {@code exp} = now + 1 hour. */
    public Token token() {
        return new Token();
    }

    /** Signs exactly these claims (nothing added), serialized as given (numbers keep their type). */
    public String sign(Map<String, ?> claims) {
        return sign(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(keyId).build(), claims);
    }

    /** Signs these claims under this header (which may name another algorithm, for attack tests). */
    public String sign(JWSHeader header, Map<String, ?> claims) {
        try {
            JWSObject jws = new JWSObject(header, new Payload(Json.mapper().writeValueAsBytes(claims)));
            jws.sign(signer);
            return jws.serialize();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("claims are not serializable as JSON", e);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with " + header.getAlgorithm(), e);
        }
    }

    private static void requireAlgorithm(PrivateKey key, String alg) {
        if (key == null || !alg.equals(key.getAlgorithm())) {
            throw new IllegalArgumentException("expected an " + alg + " private key");
        }
    }

    /** A token being built. */
    public final class Token {
        private final Map<String, Object> claims = new LinkedHashMap<>();

        private Token() {
            Instant now = clock.instant();
            claims.put("iat", now.getEpochSecond());
            claims.put("exp", now.plus(Duration.ofHours(1)).getEpochSecond());
        }

        public Token subject(String sub) {
            return claim("sub", sub);
        }

        public Token role(String role) {
            return claim("role", role);
        }

        public Token roles(Collection<String> roles) {
            return claim("roles", List.copyOf(roles));
        }

        public Token issuer(String iss) {
            return claim("iss", iss);
        }

        public Token audience(String aud) {
            return claim("aud", aud);
        }

        /** {@code exp} = now + {@code ttl} (negative for an already expired token). */
        public Token expiresIn(Duration ttl) {
            return claim("exp", clock.instant().plus(ttl).getEpochSecond());
        }

        public Token expiresAt(Instant exp) {
            return claim("exp", exp.getEpochSecond());
        }

        public Token notBefore(Instant nbf) {
            return claim("nbf", nbf.getEpochSecond());
        }

        /** Sets any claim; a null value removes it (e.g. {@code claim("exp", null)}). */
        public Token claim(String name, Object value) {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
            return this;
        }

        public String sign() {
            return JwtIssuer.this.sign(claims);
        }
    }
}
