package io.pgrealtime.gateway.auth;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * {@link TokenVerifier} on Nimbus JOSE + JWT: JWS compact tokens signed with HS256/384/512 (the
 * {@code JWT_SECRET}) or RS*, PS*, ES* (public keys from {@code JWKS_URL}, see {@link JwksSettings}).
 *
 * <p>Rules, in the order they are applied (cheap and unauthenticated checks first):
 * <ol>
 *   <li>At most {@link #MAX_TOKEN_CHARS} characters, refused before any parsing; exactly three
 *       non-empty base64url segments without padding (five segments, a JWE, are refused: the
 *       gateway does not decrypt).</li>
 *   <li>The header's {@code alg} must be one the configured keys are for; {@code none} and unknown
 *       names never are. A {@code crit} header is refused (no extension is understood). The
 *       signature segment must be the canonical encoding of its bytes.</li>
 *   <li>Signature: {@link TokenKeySelector} (HMAC secret for HS*, JWKS keys for the rest, by
 *       {@code kid}), verified by Nimbus's {@link DefaultJWTProcessor}.</li>
 *   <li>Registered claims: {@link TokenClaimsVerifier} ({@code exp} required, {@code nbf},
 *       {@code iat}, maximum lifetime, {@code iss}, {@code aud}).</li>
 *   <li>Mapping to a {@link Principal}: {@link PrincipalMapper} ({@code sub} required, roles).</li>
 * </ol>
 * An expired token is {@code TOKEN_EXPIRED}; every other refusal is {@code UNAUTHORIZED} with a
 * fixed message. The {@code typ} header is not checked, as before (issuers write {@code JWT},
 * {@code at+jwt} or nothing).
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()}, share it, close it to stop the
 * JWKS refresher.
 */
public final class NimbusTokenVerifier implements TokenVerifier {
    /** Longest token accepted, in characters: 8 KiB, far above real tokens (typically under 2 KiB). */
    public static final int MAX_TOKEN_CHARS = 8 * 1024;
    /** Default tolerance for clock differences between the issuer and the gateway: 30 s. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** Default longest lifetime ({@code exp - iat}) accepted: 24 h. */
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(24);
    public static final String DEFAULT_USER_ID_CLAIM = "sub";
    public static final String DEFAULT_ROLE_CLAIM = "role";
    public static final String DEFAULT_ROLES_CLAIM = "roles";

    private static final Logger LOG = LoggerFactory.getLogger(NimbusTokenVerifier.class);
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");
    /** URLs in Nimbus's messages: the JWKS URL may carry credentials, so it is not logged. */
    private static final Pattern URL_TEXT = Pattern.compile("https?://\\S+");
    private static final long KEY_SOURCE_LOG_INTERVAL_MILLIS = 60_000;

    private final TokenKeySelector keys;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final PrincipalMapper mapper;
    private final JWKSource<SecurityContext> keySource;
    private final AtomicLong lastKeySourceLog = new AtomicLong();

    private NimbusTokenVerifier(Builder b) {
        this.keySource = b.keySource;
        this.keys = new TokenKeySelector(b.secret, b.keySource);
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(keys);
        processor.setJWSTypeVerifier((type, context) -> { });
        processor.setJWTClaimsSetVerifier(new TokenClaimsVerifier(b.issuers, b.audiences, b.clockSkew, b.maxLifetime, b.clock));
        this.mapper = new PrincipalMapper(b.userIdClaim, b.roleClaim, b.rolesClaim, b.defaultRole);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The algorithms a token may be signed with. */
    public Set<JWSAlgorithm> algorithms() {
        return keys.algorithms();
    }

    @Override
    public Principal verify(String token) {
        if (token == null || token.isBlank()) {
            throw AuthException.unauthorized("Missing token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw AuthException.unauthorized("Token is too large");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length == 5) {
            throw AuthException.unauthorized("Encrypted tokens are not accepted");
        }
        if (parts.length != 3 || !SEGMENT.matcher(parts[0]).matches() || !SEGMENT.matcher(parts[1]).matches()
                || !SEGMENT.matcher(parts[2]).matches()) {
            throw AuthException.unauthorized("Malformed token");
        }
        SignedJWT jwt = parse(parts);
        JWSHeader header = jwt.getHeader();
        if (header.getCriticalParams() != null) {
            throw AuthException.unauthorized("Unsupported token header");
        }
        if (!keys.algorithms().contains(header.getAlgorithm())) {
            throw AuthException.unauthorized("Token algorithm is not accepted");
        }
        // Canonical encoding only, so one signature has one spelling (no trailing-bit variants).
        if (!Base64URL.encode(jwt.getSignature().decode()).toString().equals(parts[2])) {
            throw AuthException.unauthorized("Malformed token signature");
        }
        try {
            processor.process(jwt, null);
        } catch (ExpiredJWTException e) {
            throw new AuthException(AuthException.Code.TOKEN_EXPIRED, "Token has expired");
        } catch (TokenClaimsVerifier.Rejected e) {
            throw AuthException.unauthorized(e.getMessage());
        } catch (BadJWTException e) {
            // Thrown before the signature is checked when the claims are not a JSON object of the
            // registered types; Nimbus's message may quote the payload, so it is not passed on.
            throw AuthException.unauthorized("Malformed token payload");
        } catch (BadJWSException e) {
            throw AuthException.unauthorized("Invalid token signature");
        } catch (BadJOSEException e) {
            throw AuthException.unauthorized("No key matches the token");
        } catch (RateLimitReachedException e) {
            // An unknown kid while the JWKS was refreshed recently: not an outage, just no such key.
            throw AuthException.unauthorized("No key matches the token");
        } catch (KeySourceException e) {
            logKeySourceFailure(e);
            throw AuthException.unauthorized("Token keys are unavailable");
        } catch (JOSEException e) {
            throw AuthException.unauthorized("Invalid token signature");
        } catch (RuntimeException e) {
            // Callers handle AuthException only; whatever else odd input provokes is a refusal too.
            LOG.debug("token refused by an unexpected {}", e.getClass().getName());
            throw AuthException.unauthorized("Malformed token");
        }
        return mapper.map(jwt.getPayload().toBytes());
    }

    private static SignedJWT parse(String[] parts) {
        Header header;
        try {
            header = Header.parse(new Base64URL(parts[0]));
        } catch (ParseException | RuntimeException e) {
            throw AuthException.unauthorized("Malformed token header");
        }
        if (!(header instanceof JWSHeader)) {
            // "alg":"none" (an unsecured JWT), or a JWE header on three segments.
            throw AuthException.unauthorized("Token algorithm is not accepted");
        }
        try {
            return new SignedJWT(new Base64URL(parts[0]), new Base64URL(parts[1]), new Base64URL(parts[2]));
        } catch (ParseException | RuntimeException e) {
            throw AuthException.unauthorized("Malformed token");
        }
    }

    private void logKeySourceFailure(KeySourceException e) {
        long now = System.currentTimeMillis();
        long last = lastKeySourceLog.get();
        if (now - last >= KEY_SOURCE_LOG_INTERVAL_MILLIS && lastKeySourceLog.compareAndSet(last, now)) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : URL_TEXT.matcher(e.getMessage()).replaceAll("<JWKS_URL>");
            LOG.warn("JWKS_URL keys are unavailable, tokens signed with them are refused: {}", reason);
        }
    }

    /**
     * Starts fetching the JWKS in the background so that the first tokens do not wait for it; a
     * failure is logged and retried on demand. No-op without a key source.
     */
    public NimbusTokenVerifier prefetch() {
        if (keySource != null) {
            Thread t = new Thread(() -> {
                try {
                    keySource.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
                } catch (KeySourceException | RuntimeException e) {
                    logKeySourceFailure(e instanceof KeySourceException k ? k : new KeySourceException(e.getMessage(), e));
                }
            }, "jwks-prefetch");
            t.setDaemon(true);
            t.start();
        }
        return this;
    }

    @Override
    public void close() {
        if (keySource instanceof Closeable c) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("closing the JWKS source failed", e);
            }
        }
    }

    /** Configuration of a {@link NimbusTokenVerifier}; each setting documents its default. */
    public static final class Builder {
        private byte[] secret;
        private JWKSource<SecurityContext> keySource;
        private final Set<String> issuers = new LinkedHashSet<>();
        private final Set<String> audiences = new LinkedHashSet<>();
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
        private String userIdClaim = DEFAULT_USER_ID_CLAIM;
        private String roleClaim = DEFAULT_ROLE_CLAIM;
        private String rolesClaim = DEFAULT_ROLES_CLAIM;
        private String defaultRole = Principal.AUTHENTICATED_ROLE;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Applies the operator's settings: the secret and the JWKS URL (whichever are set), issuer,
         * audience, clock skew and maximum lifetime.
         */
        public Builder settings(TokenSettings s) {
            if (s.secret() != null) {
                hmacSecret(s.secret());
            }
            if (s.jwksUrl() != null) {
                jwksUrl(s.jwksUrl(), s.jwks());
            }
            if (s.issuer() != null) {
                issuers(List.of(s.issuer()));
            }
            if (s.audience() != null) {
                audiences(List.of(s.audience()));
            }
            return clockSkew(s.clockSkew()).maxLifetime(s.maxLifetime());
        }

        /**
         * Accepts HMAC tokens signed with this secret's UTF-8 bytes (as {@code JWT_SECRET} is used by
         * Supabase, PostgREST and most issuers): HS256, plus HS384 from 48 bytes and HS512 from 64.
         *
         * @throws IllegalArgumentException if shorter than 32 bytes
         */
        public Builder hmacSecret(String secret) {
            return hmacSecret(Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8));
        }

        /** As {@link #hmacSecret(String)}, with the secret's bytes. */
        public Builder hmacSecret(byte[] secret) {
            TokenKeySelector.hmacAlgorithms(secret.length);
            this.secret = secret.clone();
            return this;
        }

        /** Accepts RS*, PS* and ES* tokens signed with keys of the JWKS document at this URL. */
        public Builder jwksUrl(URL url, JwksSettings settings) {
            return keySource(settings.open(url));
        }

        /** Accepts RS*, PS* and ES* tokens signed with keys from this source (a JWKS, fixed keys). */
        public Builder keySource(JWKSource<SecurityContext> source) {
            this.keySource = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Accepted {@code iss} values; default none, and then {@code iss} is not checked. */
        public Builder issuers(Collection<String> issuers) {
            this.issuers.addAll(issuers);
            return this;
        }

        /** Accepted {@code aud} values; default none, and then {@code aud} is not checked. */
        public Builder audiences(Collection<String> audiences) {
            this.audiences.addAll(audiences);
            return this;
        }

        /** Tolerance applied to {@code exp}, {@code nbf} and {@code iat}; default 30 s. */
        public Builder clockSkew(Duration clockSkew) {
            if (clockSkew.isNegative()) {
                throw new IllegalArgumentException("clock skew must not be negative");
            }
            this.clockSkew = clockSkew;
            return this;
        }

        /** Longest {@code exp - iat} (or {@code exp - now} without {@code iat}); default 24 h. */
        public Builder maxLifetime(Duration maxLifetime) {
            if (maxLifetime.isNegative() || maxLifetime.isZero()) {
                throw new IllegalArgumentException("maximum token lifetime must be positive");
            }
            this.maxLifetime = maxLifetime;
            return this;
        }

        /** Claim holding the user id; default {@code sub}. */
        public Builder userIdClaim(String name) {
            this.userIdClaim = requireName(name);
            return this;
        }

        /** Claim holding one role as a string; default {@code role}. */
        public Builder roleClaim(String name) {
            this.roleClaim = requireName(name);
            return this;
        }

        /** Claim holding roles as an array of strings; default {@code roles}. */
        public Builder rolesClaim(String name) {
            this.rolesClaim = requireName(name);
            return this;
        }

        /** Role given to a token that names none; default {@code authenticated}. */
        public Builder defaultRole(String role) {
            this.defaultRole = requireName(role);
            return this;
        }

        /** Clock for the time claims; default the system clock. (JWKS caching uses the system clock.) */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @throws IllegalStateException if neither a secret nor a key source is configured */
        public NimbusTokenVerifier build() {
            if (secret == null && keySource == null) {
                throw new IllegalStateException("no token key configured (set JWT_SECRET or JWKS_URL)");
            }
            return new NimbusTokenVerifier(this);
        }

        private static String requireName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            return name;
        }
    }
}
