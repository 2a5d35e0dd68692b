package io.pgrealtime.gateway.auth;

import io.pgrealtime.protocol.Json;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints signed JWTs: HS256 with a shared secret (what {@code JWT_SECRET} verifies), or RS256/ES256
 * with a private key. For tests, the dev launcher and server-side tooling; the gateway itself only
 * verifies.
 *
 * <pre>{@code
 * String jwt = JwtIssuer.hs256(secret).token().subject("u1").role("user").expiresIn(Duration.ofHours(1)).sign();
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link Token} builders are not thread-safe.
 */
public final class JwtIssuer {
    private final JwtAlgorithm algorithm;
    private final Key key;
    private final String keyId;
    private final Clock clock;

    private JwtIssuer(JwtAlgorithm algorithm, Key key, String keyId, Clock clock) {
        this.algorithm = algorithm;
        this.key = key;
        this.keyId = keyId;
        this.clock = clock;
    }

    /** An HS256 issuer for this secret (its UTF-8 bytes; at least 32). */
    public static JwtIssuer hs256(String secret) {
        return hs256(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** An HS256 issuer for these secret bytes (at least 32). */
    public static JwtIssuer hs256(byte[] secret) {
        SecretKeySpec k = new SecretKeySpec(secret, JwtAlgorithm.HS256.jcaName());
        JwtAlgorithm.HS256.checkKey(k);
        return new JwtIssuer(JwtAlgorithm.HS256, k, null, Clock.systemUTC());
    }

    /** An RS256 issuer for an RSA private key. */
    public static JwtIssuer rs256(PrivateKey key) {
        requireAlgorithm(key, "RSA");
        return new JwtIssuer(JwtAlgorithm.RS256, key, null, Clock.systemUTC());
    }

    /** An ES256 issuer for a P-256 private key. */
    public static JwtIssuer es256(PrivateKey key) {
        requireAlgorithm(key, "EC");
        return new JwtIssuer(JwtAlgorithm.ES256, key, null, Clock.systemUTC());
    }

    /** The same issuer, writing {@code kid} into the header. */
    public JwtIssuer withKeyId(String kid) {
        return new JwtIssuer(algorithm, key, kid, clock);
    }

    /** The same issuer, taking {@code iat} and relative expiry from {@code clock}. */
    public JwtIssuer withClock(Clock clock) {
        return new JwtIssuer(algorithm, key, keyId, Objects.requireNonNull(clock, "clock"));
    }

    public JwtAlgorithm algorithm() {
        return algorithm;
    }

    /** Starts a token with {@code iat} = now and {@code exp} = now + 1 hour. */
    public Token token() {
        return new Token();
    }

    /** Signs exactly these claims (nothing added). */
    public String sign(Map<String, ?> claims) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", algorithm.name());
        header.put("typ", "JWT");
        if (keyId != null) {
            header.put("kid", keyId);
        }
        try {
            String input = Jws.encode(Json.mapper().writeValueAsBytes(header)) + "."
                    + Jws.encode(Json.mapper().writeValueAsBytes(claims));
            return input + "." + Jws.encode(Jws.sign(algorithm, key, Jws.ascii(input)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("claims are not serializable as JSON", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + algorithm, e);
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
