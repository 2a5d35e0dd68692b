package io.pgrealtime.gateway.auth;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who is on the other end of a connection, as established by a verified token (or the lack of one).
 *
 * @param userId    the token's subject ({@code sub} by default); null only for {@link #ANONYMOUS}
 * @param roles     role names from the token ({@code role} and/or {@code roles}); the configured
 *                  default role (normally {@code authenticated}) when the token names none;
 *                  {@code anon} for an anonymous principal. Never empty.
 * @param claims    every claim of the token, as plain Java values (nested {@link Map}s and
 *                  {@link java.util.List}s, {@link String}, {@link Boolean}, {@link Long} or
 *                  {@link java.math.BigInteger}, {@link java.math.BigDecimal}, null); immutable.
 *                  Row filters resolve {@code {{claims.X}}} (and dotted paths) against it.
 * @param expiresAt when the token expires ({@code exp}); null for an anonymous principal
 * @param anonymous true when no token was presented
 */
public record Principal(String userId, Set<String> roles, Map<String, Object> claims, Instant expiresAt,
                        boolean anonymous) {

    /** The role of a connection without a token. */
    public static final String ANON_ROLE = "anon";
    /**
     * The pseudo-role of table and channel settings that admits any valid token (protocol: roles
     * default {@code ['authenticated']}, "'authenticated' = any valid token").
     */
    public static final String AUTHENTICATED_ROLE = "authenticated";

    /**
     * A connection without a token: user id null, role {@code anon}, no claims, never expires. (A
     * constant rather than a static {@code anonymous()} method, which would clash with the record's
     * {@code anonymous} accessor.)
     */
    public static final Principal ANONYMOUS = new Principal(null, Set.of(ANON_ROLE), Map.of(), null, true);

    public Principal {
        roles = Set.copyOf(roles);
        claims = claims == null ? Map.of() : claims;
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a principal has at least one role");
        }
        if (!anonymous) {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /**
     * Whether a setting that admits {@code allowed} roles admits this principal: it holds one of
     * them, or it is not anonymous and {@code allowed} contains {@value #AUTHENTICATED_ROLE}.
     */
    public boolean hasAnyRole(Collection<String> allowed) {
        if (!anonymous && allowed.contains(AUTHENTICATED_ROLE)) {
            return true;
        }
        for (String r : roles) {
            if (allowed.contains(r)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the token has expired at {@code now} (never for an anonymous principal; no skew applied). */
    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Never prints claims: they may hold personal data. */
    @Override
    public String toString() {
        return anonymous ? "Principal[anonymous]" : "Principal[userId=" + userId + ", roles=" + roles
                + ", expiresAt=" + expiresAt + "]";
    }
}
