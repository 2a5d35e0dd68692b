package io.pgrealtime.gateway.config;

import io.pgrealtime.gateway.auth.JwksSettings;
import io.pgrealtime.gateway.auth.TokenSettings;
import io.pgrealtime.runtime.SettingException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the gateway picks and checks its settings (environment variables mapped to these properties). */
class GatewayConfigTest {
    private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes";

    private static GatewayConfig valid() {
        GatewayConfig c = new GatewayConfig();
        c.setJwtSecret(SECRET);
        return c;
    }

    @Test
    void socketRedisUrlWinsOverRedisUrlWhichWinsOverTheDefault() {
        GatewayConfig c = valid();
        assertThat(c.validate().redisUri().getHost()).isEqualTo("localhost");
        c.setRedisUrl("redis://shared:6379");
        assertThat(c.redisUri().getHost()).isEqualTo("shared");
        c.setSocketRedisUrl("redis://sockets:6390");
        assertThat(c.redisUri().getHost()).isEqualTo("sockets");
        assertThat(c.redisUri().getPort()).isEqualTo(6390);
        c.setSocketRedisUrl("");
        assertThat(c.redisUri().getHost()).isEqualTo("shared");
    }

    @Test
    void theOldNestedPlaceholderValueIsRejectedNamingRedisUrl() {
        GatewayConfig c = valid();
        c.setRedisUrl("redis://localhost:6379}");
        assertThatThrownBy(c::validate).isInstanceOf(SettingException.class).hasMessageStartingWith("REDIS_URL");
        c.setRedisUrl(null);
        c.setSocketRedisUrl("tcp://x");
        assertThatThrownBy(c::validate).isInstanceOf(SettingException.class).hasMessageStartingWith("SOCKET_REDIS_URL");
    }

    @Test
    void jwtSecretOrJwksUrlIsRequiredAndTheSecretLongEnough() {
        GatewayConfig c = new GatewayConfig();
        assertThatThrownBy(c::validate).isInstanceOf(SettingException.class)
                .hasMessageStartingWith("JWT_SECRET (gateway.jwt-secret) is not set, nor is JWKS_URL");
        c.setJwtSecret("   ");
        c.setJwksUrl(" ");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWT_SECRET (gateway.jwt-secret) is not set");
        c.setJwtSecret("too-short-secret");
        assertThatThrownBy(c::validate).hasMessageContaining("too short").satisfies(e ->
                assertThat(e.getMessage()).doesNotContain("too-short-secret"));
        // A short secret is refused even when JWKS_URL is set: it would silently verify nothing.
        c.setJwksUrl("https://issuer.example/.well-known/jwks.json");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWT_SECRET");
    }

    @Test
    void jwksUrlAloneOrWithTheSecretIsEnough() {
        GatewayConfig c = new GatewayConfig();
        c.setJwksUrl("https://issuer.example/.well-known/jwks.json");
        TokenSettings jwksOnly = c.validate().tokenSettings();
        assertThat(jwksOnly.secret()).isNull();
        assertThat(jwksOnly.jwksUrl().toString()).isEqualTo("https://issuer.example/.well-known/jwks.json");
        c.setJwtSecret(SECRET);
        c.setJwksUrl("http://keys.internal:8080/jwks");
        TokenSettings both = c.validate().tokenSettings();
        assertThat(both.secret()).isEqualTo(SECRET);
        assertThat(both.jwksUrl().getPort()).isEqualTo(8080);
        assertThat(both.toString()).doesNotContain(SECRET).doesNotContain("keys.internal");
    }

    @Test
    void jwksUrlMustBeAnHttpUrlWithAHost() {
        GatewayConfig c = valid();
        c.setJwksUrl("ftp://x");
        assertThatThrownBy(c::validate).isInstanceOf(SettingException.class)
                .hasMessageStartingWith("JWKS_URL (gateway.jwks-url) must be an https:// (or http://) URL")
                .hasMessageContaining("'ftp://'");
        c.setJwksUrl("file:///etc/jwks.json");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWKS_URL");
        c.setJwksUrl("issuer.example/jwks.json");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWKS_URL").hasMessageContaining("without a scheme");
        c.setJwksUrl("https:///jwks.json");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWKS_URL (gateway.jwks-url) has no host");
        c.setJwksUrl("https://user:hunter2@issuer example/jwks");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWKS_URL").satisfies(e ->
                assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void tokenLimitsHaveDefaultsAndParseDurations() {
        TokenSettings d = valid().validate().tokenSettings();
        assertThat(d.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.maxLifetime()).isEqualTo(Duration.ofHours(24));
        assertThat(d.jwks()).isEqualTo(JwksSettings.DEFAULTS);
        assertThat(d.issuer()).isNull();
        GatewayConfig c = valid();
        c.setJwtIssuer("https://auth.example");
        c.setJwtAudience("realtime");
        c.setJwtClockSkew("60s");
        c.setJwtMaxLifetime("PT12H");
        c.setJwksCacheTtl("10m");
        c.setJwksRefreshMinInterval("1m");
        c.setJwksOutageTolerance("0");
        c.setJwksTimeout("2500ms");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWKS_OUTAGE_TOLERANCE (gateway.jwks-outage-tolerance) is not a duration");
        c.setJwksOutageTolerance("0s");
        TokenSettings t = c.validate().tokenSettings();
        assertThat(t.issuer()).isEqualTo("https://auth.example");
        assertThat(t.audience()).isEqualTo("realtime");
        assertThat(t.clockSkew()).isEqualTo(Duration.ofMinutes(1));
        assertThat(t.maxLifetime()).isEqualTo(Duration.ofHours(12));
        assertThat(t.jwks()).isEqualTo(new JwksSettings(Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ZERO,
                Duration.ofMillis(2500)));
    }

    @Test
    void badTokenLimitsAreSettingErrorsNamingTheVariable() {
        GatewayConfig c = valid();
        c.setJwtClockSkew("soon");
        assertThatThrownBy(c::validate).isInstanceOf(SettingException.class).hasMessageStartingWith("JWT_CLOCK_SKEW (gateway.jwt-clock-skew)");
        c.setJwtClockSkew("10m");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWT_CLOCK_SKEW").hasMessageContaining("at most 5m");
        c.setJwtClockSkew("-PT5S");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWT_CLOCK_SKEW").hasMessageContaining("negative");
        c.setJwtClockSkew(null);
        c.setJwtMaxLifetime("0s");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWT_MAX_LIFETIME (gateway.jwt-max-lifetime) must be positive");
        c.setJwtMaxLifetime("");
        c.setJwksTimeout("30s");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWKS_TIMEOUT (gateway.jwks-timeout) must be between 1s and 10s");
        c.setJwksTimeout(null);
        c.setJwksRefreshMinInterval("500ms");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWKS_REFRESH_MIN_INTERVAL");
        c.setJwksRefreshMinInterval("10m");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWKS_CACHE_TTL (gateway.jwks-cache-ttl) must be longer");
        c.setJwksCacheTtl("1h");
        c.validate();
    }

    @Test
    void blankOptionalValuesTakeTheirDefaults() {
        GatewayConfig c = valid();
        c.setKeyPrefix("");
        c.setSocketPath("");
        c.validate();
        assertThat(c.getKeyPrefix()).isEqualTo("rt:");
        assertThat(c.getSocketPath()).isEqualTo("/socket.io");
        c.setSocketPath("socket.io");
        assertThatThrownBy(c::validate).hasMessageStartingWith("SOCKET_PATH");
    }
}
