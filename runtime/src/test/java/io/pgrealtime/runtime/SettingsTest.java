package io.pgrealtime.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    @Test
    void redisUrlForms() {
        assertThat(Settings.redisUri("redis://cache:6380/2", "REDIS_URL").getPort()).isEqualTo(6380);
        assertThat(Settings.redisUri("redis://cache:6380/2", "REDIS_URL").getDatabase()).isEqualTo(2);
        assertThat(Settings.redisUri("rediss://u:p@cache", "REDIS_URL").isSsl()).isTrue();
        assertThat(Settings.redisUri(" redis://cache ", "REDIS_URL").getHost()).isEqualTo("cache");
    }

    @Test
    void badRedisUrlsNameTheSettingAndHideThePassword() {
        assertThatThrownBy(() -> Settings.redisUri("http://cache:6379", "REDIS_URL"))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("REDIS_URL must start with redis://");
        assertThatThrownBy(() -> Settings.redisUri("", "SOCKET_REDIS_URL"))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("SOCKET_REDIS_URL is empty");
        assertThatThrownBy(() -> Settings.redisUri("redis://:s3cret@cache:notaport", "REDIS_URL"))
                .isInstanceOf(SettingException.class)
                .hasMessageStartingWith("REDIS_URL")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
        assertThatThrownBy(() -> Settings.redisUri("redis://cache:6379}", "REDIS_URL"))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("REDIS_URL");
    }

    @Test
    void ports() {
        assertThat(Settings.port("8080", "PORT", false)).isEqualTo(8080);
        assertThat(Settings.port("0", "PORT", true)).isZero();
        assertThatThrownBy(() -> Settings.port("80a", "PORT", false)).hasMessage("PORT is not a port number: '80a'");
        assertThatThrownBy(() -> Settings.port("70000", "PGPORT", false)).hasMessage("PGPORT must be between 1 and 65535 (got 70000)");
        assertThatThrownBy(() -> Settings.port("0", "PORT", false)).isInstanceOf(SettingException.class);
    }

    @Test
    void postgresNames() {
        assertThat(Settings.pgName("realtime_slot", "RELAY_SLOT")).isEqualTo("realtime_slot");
        assertThatThrownBy(() -> Settings.pgName("Realtime-Slot", "RELAY_SLOT")).hasMessageStartingWith("RELAY_SLOT must be");
        assertThatThrownBy(() -> Settings.pgName("1slot", "RELAY_SLOT")).isInstanceOf(SettingException.class);
        assertThatThrownBy(() -> Settings.pgName("a".repeat(64), "RELAY_SLOT")).isInstanceOf(SettingException.class);
        assertThatThrownBy(() -> Settings.pgName("x; drop table t", "RELAY_PUBLICATION")).isInstanceOf(SettingException.class);
    }

    @Test
    void firstSetSkipsBlanks() {
        assertThat(Settings.firstSet(null, " ", "", "b", "c")).isEqualTo("b");
        assertThat(Settings.firstSet(null, "")).isNull();
    }
}
