package io.pgrealtime.gateway.auth;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.pgrealtime.protocol.Json;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies JWTs (JWS compact serialization) and turns them into a {@link Principal}, following
 * protocol.md §0.
 *
 * <p>Rules, in the order they are applied:
 * <ol>
 *   <li>At most {@link Builder#maxTokenLength} characters; exactly three base64url segments
 *       (no padding); header and payload are JSON objects without duplicate members.</li>
 *   <li>The header's {@code alg} must be one the configured keys are for; {@code none} and
 *       unknown names never are. A {@code crit} header is refused (no extension is understood).
 *       Only keys of exactly that algorithm are tried, so an HS256 token is never checked with an
 *       RSA public key used as a secret (algorithm confusion), and vice versa.</li>
 *   <li>The signature must verify with one of the keys the {@link KeyResolver} returns. Claims are
 *       parsed only after that.</li>
 *   <li>{@code exp} is required and numeric; a token is expired ({@code TOKEN_EXPIRED}) when
 *       {@code now - clockSkew >= exp}. {@code nbf}, if present, must be {@code <= now + clockSkew};
 *       {@code iat}, if present, must not be after {@code now + clockSkew}.</li>
 *   <li>{@code iss} must be one of the configured issuers, and {@code aud} (string or array) must
 *       name one of the configured audiences, when these are configured.</li>
 *   <li>The subject claim ({@code sub}) is required and a non-empty string.</li>
 *   <li>Roles: the role claim ({@code role}, a string) and the roles claim ({@code roles}, an array
 *       of strings), merged; claim names may be dotted paths ({@code realm_access.roles}). A token
 *       naming no role gets the default role ({@code authenticated}).</li>
 * </ol>
 * Every refusal is an {@link AuthException}: {@code TOKEN_EXPIRED} for rule 4's expiry, otherwise
 * {@code UNAUTHORIZED}; messages never echo the token.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()} and share it.
 */
public final class JwtVerifier {
    /** Default tolerance for clock differences between the issuer and the gateway. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** Default longest token accepted, in characters (protects the parser from oversized input). */
    public static final int DEFAULT_MAX_TOKEN_LENGTH = 16 * 1024;
    public static final String DEFAULT_USER_ID_CLAIM = "sub";
    public static final String DEFAULT_ROLE_CLAIM = "role";
    public static final String DEFAULT_ROLES_CLAIM = "roles";

    private static final ObjectReader READER = Json.mapper().reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private final KeyResolver keys;
    private final Set<String> issuers;
    private final Set<String> audiences;
    private final Duration clockSkew;
    private final String userIdClaim;
    private final String roleClaim;
    private final String rolesClaim;
    private final String defaultRole;
    private final int maxTokenLength;
    private final Clock clock;

    private JwtVerifier(Builder b) {
        List<VerificationKey> staticKeys = List.copyOf(b.staticKeys);
        if (b.resolver != null && !staticKeys.isEmpty()) {
            throw new IllegalStateException("configure either keys or a key resolver, not both");
        }
        this.keys = b.resolver != null ? b.resolver : new StaticKeyResolver(staticKeys);
        this.issuers = Set.copyOf(b.issuers);
        this.audiences = Set.copyOf(b.audiences);
        this.clockSkew = b.clockSkew;
        this.userIdClaim = b.userIdClaim;
        this.roleClaim = b.roleClaim;
        this.rolesClaim = b.rolesClaim;
        this.defaultRole = b.defaultRole;
        this.maxTokenLength = b.maxTokenLength;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The algorithms a token may be signed with. */
    public Set<JwtAlgorithm> algorithms() {
        return keys.algorithms();
    }

    /**
     * Verifies a token and returns its principal.
     *
     * @param token the compact JWT, without a {@code Bearer } prefix
     * @throws AuthException if the token is refused; see the class rules
     */
    public Principal verify(String token) {
        if (token == null || token.isBlank()) {
            throw AuthException.unauthorized("Missing token");
        }
        if (token.length() > maxTokenLength) {
            throw AuthException.unauthorized("Token is too large");
        }
        int dot1 = token.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
        if (dot1 <= 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
            throw AuthException.unauthorized("Malformed token");
        }
        JsonNode header = parseObject(token.substring(0, dot1), "header");
        JwtHeader h = new JwtHeader(text(header, "alg"), text(header, "kid"), text(header, "typ"));
        if (header.has("crit")) {
            throw AuthException.unauthorized("Unsupported token header");
        }
        JwtAlgorithm alg = JwtAlgorithm.fromHeader(h.alg())
                .filter(keys.algorithms()::contains)
                .orElseThrow(() -> AuthException.unauthorized("Token algorithm is not accepted"));
        byte[] signature = Jws.decode(token.substring(dot2 + 1));
        // Canonical encoding only, so one signature has one spelling (no trailing-bit variants).
        if (signature == null || signature.length == 0 || !Jws.encode(signature).equals(token.substring(dot2 + 1))) {
            throw AuthException.unauthorized("Malformed token signature");
        }
        byte[] input = Jws.ascii(token.substring(0, dot2));
        boolean verified = false;
        for (VerificationKey k : keys.keys(alg, h)) {
            if (k.algorithm() == alg && Jws.verify(alg, k.key(), input, signature)) {
                verified = true;
                break;
            }
        }
        if (!verified) {
            throw AuthException.unauthorized("Invalid token signature");
        }
        JsonNode claims = parseObject(token.substring(dot1 + 1, dot2), "payload");
        Instant expiresAt = checkTimes(claims);
        checkIssuerAndAudience(claims);
        JsonNode sub = path(claims, userIdClaim);
        if (sub == null || !sub.isTextual() || sub.textValue().isEmpty()) {
            throw AuthException.unauthorized("Token has no subject");
        }
        return new Principal(sub.textValue(), roles(claims), toMap(claims), expiresAt, false);
    }

    private Instant checkTimes(JsonNode claims) {
        Instant now = clock.instant();
        Instant exp = numericDate(claims, "exp");
        if (exp == null) {
            throw AuthException.unauthorized("Token has no expiry");
        }
        if (!now.minus(clockSkew).isBefore(exp)) {
            throw new AuthException(AuthException.Code.TOKEN_EXPIRED, "Token has expired");
        }
        Instant nbf = numericDate(claims, "nbf");
        if (nbf != null && now.plus(clockSkew).isBefore(nbf)) {
            throw AuthException.unauthorized("Token is not yet valid");
        }
        Instant iat = numericDate(claims, "iat");
        if (iat != null && now.plus(clockSkew).isBefore(iat)) {
            throw AuthException.unauthorized("Token was issued in the future");
        }
        return exp;
    }

    private void checkIssuerAndAudience(JsonNode claims) {
        if (!issuers.isEmpty()) {
            JsonNode iss = claims.get("iss");
            if (iss == null || !iss.isTextual() || !issuers.contains(iss.textValue())) {
                throw AuthException.unauthorized("Token issuer is not accepted");
            }
        }
        if (!audiences.isEmpty()) {
            JsonNode aud = claims.get("aud");
            boolean ok = false;
            if (aud != null && aud.isTextual()) {
                ok = audiences.contains(aud.textValue());
            } else if (aud != null && aud.isArray()) {
                for (JsonNode a : aud) {
                    ok |= a.isTextual() && audiences.contains(a.textValue());
                }
            }
            if (!ok) {
                throw AuthException.unauthorized("Token audience is not accepted");
            }
        }
    }

    private Set<String> roles(JsonNode claims) {
        Set<String> roles = new LinkedHashSet<>();
        JsonNode role = path(claims, roleClaim);
        if (role != null && !role.isNull()) {
            if (!role.isTextual()) {
                throw AuthException.unauthorized("Malformed role claim");
            }
            if (!role.textValue().isEmpty()) {
                roles.add(role.textValue());
            }
        }
        JsonNode list = path(claims, rolesClaim);
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw AuthException.unauthorized("Malformed roles claim");
            }
            for (JsonNode r : list) {
                if (!r.isTextual()) {
                    throw AuthException.unauthorized("Malformed roles claim");
                }
                if (!r.textValue().isEmpty()) {
                    roles.add(r.textValue());
                }
            }
        }
        if (roles.isEmpty()) {
            roles.add(defaultRole);
        }
        return roles;
    }

    /** The claim at {@code name}: the literal member first, then a walk along a dotted path. */
    private static JsonNode path(JsonNode claims, String name) {
        JsonNode direct = claims.get(name);
        if (direct != null || name.indexOf('.') < 0) {
            return direct;
        }
        JsonNode current = claims;
        for (String part : name.split("\\.", -1)) {
            current = current.isObject() ? current.get(part) : null;
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private static Instant numericDate(JsonNode claims, String name) {
        JsonNode v = claims.get(name);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw AuthException.unauthorized("Malformed " + name + " claim");
        }
        try {
            BigDecimal seconds = v.decimalValue();
            long whole = seconds.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
            long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
            return Instant.ofEpochSecond(whole, nanos);
        } catch (ArithmeticException | DateTimeException e) {
            throw AuthException.unauthorized("Malformed " + name + " claim");
        }
    }

    private static JsonNode parseObject(String segment, String what) {
        byte[] bytes = Jws.decode(segment);
        if (bytes == null) {
            throw AuthException.unauthorized("Malformed token " + what);
        }
        try {
            JsonNode node = READER.readTree(new String(bytes, StandardCharsets.UTF_8));
            if (node == null || !node.isObject()) {
                throw AuthException.unauthorized("Malformed token " + what);
            }
            return node;
        } catch (IOException e) {
            throw AuthException.unauthorized("Malformed token " + what);
        }
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw AuthException.unauthorized("Malformed token header");
        }
        return v.textValue();
    }

    /** JSON to plain immutable Java values; numbers keep their exact value. */
    static Object toJava(JsonNode n) {
        return switch (n.getNodeType()) {
            case OBJECT -> toMap(n);
            case ARRAY -> {
                List<Object> list = new ArrayList<>(n.size());
                n.forEach(e -> list.add(toJava(e)));
                yield Collections.unmodifiableList(list);
            }
            case STRING -> n.textValue();
            case BOOLEAN -> n.booleanValue();
            case NUMBER -> n.isIntegralNumber()
                    ? (n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue())
                    : n.decimalValue();
            default -> null;
        };
    }

    private static Map<String, Object> toMap(JsonNode object) {
        Map<String, Object> map = new LinkedHashMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), toJava(e.getValue())));
        return Collections.unmodifiableMap(map);
    }

    /** Configuration of a {@link JwtVerifier}; each setting documents its default. */
    public static final class Builder {
        private final List<VerificationKey> staticKeys = new ArrayList<>();
        private KeyResolver resolver;
        private final Set<String> issuers = new LinkedHashSet<>();
        private final Set<String> audiences = new LinkedHashSet<>();
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private String userIdClaim = DEFAULT_USER_ID_CLAIM;
        private String roleClaim = DEFAULT_ROLE_CLAIM;
        private String rolesClaim = DEFAULT_ROLES_CLAIM;
        private String defaultRole = Principal.AUTHENTICATED_ROLE;
        private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Accepts HS256 tokens signed with this secret (its UTF-8 bytes, as {@code JWT_SECRET} is
         * used by Supabase, PostgREST and most issuers).
         *
         * @throws IllegalArgumentException if shorter than 32 bytes
         */
        public Builder hs256Secret(String secret) {
            return hs256Secret(Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8));
        }

        /** Accepts HS256 tokens signed with these secret bytes (at least 32). */
        public Builder hs256Secret(byte[] secret) {
            return key(new VerificationKey(JwtAlgorithm.HS256, new SecretKeySpec(secret, JwtAlgorithm.HS256.jcaName()), null));
        }

        /** Accepts RS256 tokens signed by this RSA key's private half (see {@link PemKeys}). */
        public Builder rs256PublicKey(PublicKey key) {
            return key(new VerificationKey(JwtAlgorithm.RS256, key, null));
        }

        /** Accepts ES256 tokens signed by this P-256 key's private half. */
        public Builder es256PublicKey(PublicKey key) {
            return key(new VerificationKey(JwtAlgorithm.ES256, key, null));
        }

        /** Adds a key; the algorithms accepted are those of the keys added. */
        public Builder key(VerificationKey key) {
            staticKeys.add(Objects.requireNonNull(key, "key"));
            return this;
        }

        /** Uses this resolver (e.g. JWKS) instead of fixed keys. */
        public Builder keyResolver(KeyResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** Accepted {@code iss} values; default none configured, and then {@code iss} is not checked. */
        public Builder issuers(Collection<String> issuers) {
            this.issuers.addAll(issuers);
            return this;
        }

        /** Accepted {@code aud} values; default none configured, and then {@code aud} is not checked. */
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

        /** Longest token accepted, in characters; default 16 KiB. */
        public Builder maxTokenLength(int chars) {
            if (chars < 16) {
                throw new IllegalArgumentException("max token length is too small");
            }
            this.maxTokenLength = chars;
            return this;
        }

        /** Clock for time claims; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @throws IllegalStateException if no key (or resolver) is configured */
        public JwtVerifier build() {
            if (resolver == null && staticKeys.isEmpty()) {
                throw new IllegalStateException("no JWT key configured (set JWT_SECRET or a public key)");
            }
            return new JwtVerifier(this);
        }

        private static String requireName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            return name;
        }
    }
}
