package io.pgrealtime.gateway.config;

import io.pgrealtime.runtime.SettingException;
import org.junit.jupiter.api.Test;

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
    void jwtSecretIsRequiredAndLongEnough() {
        GatewayConfig c = new GatewayConfig();
        assertThatThrownBy(c::validate).isInstanceOf(SettingException.class).hasMessageStartingWith("JWT_SECRET (gateway.jwt-secret) is not set");
        c.setJwtSecret("   ");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWT_SECRET (gateway.jwt-secret) is not set");
        c.setJwtSecret("too-short-secret");
        assertThatThrownBy(c::validate).hasMessageContaining("too short").satisfies(e ->
                assertThat(e.getMessage()).doesNotContain("too-short-secret"));
    }

    @Test
    void jwksUrlIsRefusedLoudlyRatherThanIgnored() {
        GatewayConfig c = valid();
        c.setJwksUrl("https://issuer/.well-known/jwks.json");
        assertThatThrownBy(c::validate).hasMessageStartingWith("JWKS_URL (gateway.jwks-url) is not supported");
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
