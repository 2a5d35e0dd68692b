package io.pgrealtime.gateway.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import com.nimbusds.jose.proc.SecurityContext;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * The registered claims a token must satisfy once its signature is verified, in this order:
 * <ol>
 *   <li>{@code exp} is required. The token has expired ({@link ExpiredJWTException}, reported as
 *       {@code TOKEN_EXPIRED}) when {@code now - clockSkew >= exp}.</li>
 *   <li>{@code nbf}, if present, must be {@code <= now + clockSkew}; {@code iat}, if present, must
 *       not be after {@code now + clockSkew}.</li>
 *   <li>Lifetime: {@code exp - iat} (or {@code exp - now} without {@code iat}) must not exceed
 *       {@code maxLifetime}, so a leaked long-lived token is refused even when correctly signed.</li>
 *   <li>{@code iss} must be one of the accepted issuers and {@code aud} (string or array) must name
 *       one of the accepted audiences, each only when configured.</li>
 * </ol>
 * Every other refusal is a {@link Rejected} whose message is safe for the client. Plugged into
 * Nimbus's {@code DefaultJWTProcessor}, which calls it only after the signature verified.
 * Immutable and thread-safe.
 */
final class TokenClaimsVerifier implements JWTClaimsSetVerifier<SecurityContext> {
    /** Latest NumericDate taken seriously (9999-12-31); a larger one is an overflow, not a date. */
    static final Instant MAX_DATE = Instant.parse("9999-12-31T23:59:59Z");

    private final Set<String> issuers;
    private final Set<String> audiences;
    private final Duration clockSkew;
    private final Duration maxLifetime;
    private final Clock clock;

    TokenClaimsVerifier(Set<String> issuers, Set<String> audiences, Duration clockSkew, Duration maxLifetime, Clock clock) {
        this.issuers = Set.copyOf(issuers);
        this.audiences = Set.copyOf(audiences);
        this.clockSkew = clockSkew;
        this.maxLifetime = maxLifetime;
        this.clock = clock;
    }

    /** A claim did not satisfy a rule; the message names the rule, never the value. */
    static final class Rejected extends BadJWTException {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }
    }

    @Override
    public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
        Instant now = clock.instant();
        Instant exp = date(claims.getExpirationTime(), "exp");
        if (exp == null) {
            throw new Rejected("Token has no expiry");
        }
        Instant nbf = date(claims.getNotBeforeTime(), "nbf");
        Instant iat = date(claims.getIssueTime(), "iat");
        if (!now.minus(clockSkew).isBefore(exp)) {
            throw new ExpiredJWTException("Token has expired");
        }
        if (nbf != null && now.plus(clockSkew).isBefore(nbf)) {
            throw new Rejected("Token is not yet valid");
        }
        if (iat != null && now.plus(clockSkew).isBefore(iat)) {
            throw new Rejected("Token was issued in the future");
        }
        if (Duration.between(iat != null ? iat : now, exp).compareTo(maxLifetime) > 0) {
            throw new Rejected("Token lifetime exceeds the maximum");
        }
        if (!issuers.isEmpty() && (claims.getIssuer() == null || !issuers.contains(claims.getIssuer()))) {
            throw new Rejected("Token issuer is not accepted");
        }
        if (!audiences.isEmpty()) {
            List<String> aud = claims.getAudience();
            if (aud.stream().noneMatch(audiences::contains)) {
                throw new Rejected("Token audience is not accepted");
            }
        }
    }

    /**
     * Nimbus reads a NumericDate as {@code (long) seconds * 1000}, which overflows for absurd values
     * (1e300 would become 1969 and read as "expired"); refuse those as malformed instead.
     */
    private static Instant date(Date d, String claim) throws Rejected {
        if (d == null) {
            return null;
        }
        Instant i = d.toInstant();
        if (i.isBefore(Instant.EPOCH) || i.isAfter(MAX_DATE)) {
            throw new Rejected("Malformed " + claim + " claim");
        }
        return i;
    }
}
