package io.pgrealtime.gateway.auth;

import io.pgrealtime.runtime.SettingException;
import io.pgrealtime.runtime.Settings;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's token settings, parsed and checked: every problem is a {@link SettingException}
 * naming the environment variable and the property, never echoing the secret or a URL's credentials.
 *
 * @param secret      {@code JWT_SECRET}: HMAC secret, at least 32 bytes; null when not set
 * @param jwksUrl     {@code JWKS_URL}: an http(s) URL with a host; null when not set. At least one of
 *                    the two is required.
 * @param issuer      {@code JWT_ISSUER}: the {@code iss} required, or null for any
 * @param audience    {@code JWT_AUDIENCE}: the {@code aud} required, or null for any
 * @param clockSkew   {@code JWT_CLOCK_SKEW}: tolerance on {@code exp}, {@code nbf}, {@code iat};
 *                    default 30 s, at most 5 min
 * @param maxLifetime {@code JWT_MAX_LIFETIME}: longest {@code exp - iat}; default 24 h
 * @param jwks        {@code JWKS_CACHE_TTL}, {@code JWKS_REFRESH_MIN_INTERVAL} (at least 1 s),
 *                    {@code JWKS_OUTAGE_TOLERANCE}, {@code JWKS_TIMEOUT} (1-10 s)
 */
public record TokenSettings(String secret, URL jwksUrl, String issuer, String audience, Duration clockSkew,
                            Duration maxLifetime, JwksSettings jwks) {
    public static final String JWT_SECRET = "JWT_SECRET (gateway.jwt-secret)";
    public static final String JWKS_URL = "JWKS_URL (gateway.jwks-url)";
    public static final String JWT_CLOCK_SKEW = "JWT_CLOCK_SKEW (gateway.jwt-clock-skew)";
    public static final String JWT_MAX_LIFETIME = "JWT_MAX_LIFETIME (gateway.jwt-max-lifetime)";
    public static final String JWKS_CACHE_TTL = "JWKS_CACHE_TTL (gateway.jwks-cache-ttl)";
    public static final String JWKS_REFRESH_MIN_INTERVAL = "JWKS_REFRESH_MIN_INTERVAL (gateway.jwks-refresh-min-interval)";
    public static final String JWKS_OUTAGE_TOLERANCE = "JWKS_OUTAGE_TOLERANCE (gateway.jwks-outage-tolerance)";
    public static final String JWKS_TIMEOUT = "JWKS_TIMEOUT (gateway.jwks-timeout)";
    /** Shortest HMAC secret (RFC 7518 §3.2: a key at least as long as the HS256 hash). */
    public static final int MIN_SECRET_BYTES = 32;
    /** Largest clock skew accepted: more would make {@code exp} meaningless for short-lived tokens. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    /** @throws SettingException naming the first setting that is wrong */
    public TokenSettings {
        if (secret == null && jwksUrl == null) {
            throw new SettingException(JWT_SECRET, "is not set, nor is JWKS_URL; set JWT_SECRET (HS256, at least "
                    + MIN_SECRET_BYTES + " bytes) or JWKS_URL (RS256/ES256 keys), or both");
        }
        if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new SettingException(JWT_SECRET, "is too short: HS256 needs at least " + MIN_SECRET_BYTES + " bytes");
        }
        if (clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new SettingException(JWT_CLOCK_SKEW, "must be at most 5m (got " + clockSkew + ")");
        }
        if (maxLifetime.isZero()) {
            throw new SettingException(JWT_MAX_LIFETIME, "must be positive");
        }
    }

    /** Parses the raw values (null or blank means "not set", or the default). */
    public static TokenSettings parse(String secret, String jwksUrl, String issuer, String audience, String clockSkew,
                                      String maxLifetime, String jwksCacheTtl, String jwksRefreshMinInterval,
                                      String jwksOutageTolerance, String jwksTimeout) {
        Duration ttl = duration(jwksCacheTtl, JWKS_CACHE_TTL, JwksSettings.DEFAULT_CACHE_TTL);
        Duration interval = duration(jwksRefreshMinInterval, JWKS_REFRESH_MIN_INTERVAL, JwksSettings.DEFAULT_REFRESH_MIN_INTERVAL);
        Duration outage = duration(jwksOutageTolerance, JWKS_OUTAGE_TOLERANCE, JwksSettings.DEFAULT_OUTAGE_TOLERANCE);
        Duration timeout = duration(jwksTimeout, JWKS_TIMEOUT, JwksSettings.DEFAULT_HTTP_TIMEOUT);
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new SettingException(JWKS_REFRESH_MIN_INTERVAL, "must be at least 1s (got " + interval + ")");
        }
        if (ttl.compareTo(interval) <= 0) {
            throw new SettingException(JWKS_CACHE_TTL, "must be longer than JWKS_REFRESH_MIN_INTERVAL (" + interval + ")");
        }
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new SettingException(JWKS_TIMEOUT, "must be between 1s and 10s (got " + timeout + ")");
        }
        return new TokenSettings(Settings.blankToNull(secret), url(jwksUrl), Settings.blankToNull(issuer),
                Settings.blankToNull(audience), duration(clockSkew, JWT_CLOCK_SKEW, NimbusTokenVerifier.DEFAULT_CLOCK_SKEW),
                duration(maxLifetime, JWT_MAX_LIFETIME, NimbusTokenVerifier.DEFAULT_MAX_LIFETIME),
                new JwksSettings(ttl, interval, outage, timeout));
    }

    /**
     * A duration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 7d} or ISO-8601
     * ({@code PT30S}); blank means {@code fallback}. Never negative.
     */
    static Duration duration(String value, String setting, Duration fallback) {
        String v = Settings.blankToNull(value);
        if (v == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(v);
            } catch (DateTimeParseException e) {
                throw new SettingException(setting, "is not a duration such as 30s, 5m or 24h (got '" + v + "')");
            }
        }
        if (d.isNegative()) {
            throw new SettingException(setting, "must not be negative (got '" + v + "')");
        }
        return d;
    }

    /** {@code JWKS_URL}: null when blank, else an http:// or https:// URL with a host. */
    static URL url(String value) {
        String u = Settings.blankToNull(value);
        if (u == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new SettingException(JWKS_URL, "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            // Only the scheme is echoed: the rest may carry credentials.
            throw new SettingException(JWKS_URL, "must be an https:// (or http://) URL (got "
                    + (uri.getScheme() == null ? "a value without a scheme)" : "a value starting '" + uri.getScheme() + "://')"));
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new SettingException(JWKS_URL, "has no host; expected https://issuer.example/.well-known/jwks.json");
        }
        try {
            return uri.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new SettingException(JWKS_URL, "is not a valid URL");
        }
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "TokenSettings[secret=" + (secret == null ? "unset" : "set") + ", jwksUrl=" + (jwksUrl == null ? "unset" : "set")
                + ", issuer=" + issuer + ", audience=" + audience + ", clockSkew=" + clockSkew + ", maxLifetime=" + maxLifetime
                + ", jwks=" + jwks + "]";
    }
}
