package io.pgrealtime.relay.config;

import io.pgrealtime.runtime.SettingException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the relay builds its addresses from the environment variables (mapped to these properties). */
class RelayConfigTest {

    @Test
    void defaultsWithNothingSet() {
        RelayConfig c = new RelayConfig().validate();
        assertThat(c.database()).isEqualTo(new DatabaseUrl("localhost", 5432, "postgres", "postgres", null, new java.util.Properties()));
        assertThat(c.redisUri().getHost()).isEqualTo("localhost");
        assertThat(c.getSlotName()).isEqualTo("realtime_slot");
        assertThat(c.getPublication()).isEqualTo("realtime");
        assertThat(c.getKeyPrefix()).isEqualTo("rt:");
    }

    @Test
    void emptyEnvironmentValuesMeanNotSet() {
        RelayConfig c = new RelayConfig();
        c.setDatabaseUrl("");
        c.setDatabaseHost("");
        c.setDatabasePort("");
        c.setRedisUrl("");
        c.setSlotName("");
        c.setPublication("");
        c.setKeyPrefix("");
        c.validate();
        assertThat(c.database().host()).isEqualTo("localhost");
        assertThat(c.getSlotName()).isEqualTo("realtime_slot");
        assertThat(c.getKeyPrefix()).isEqualTo("rt:");
    }

    @Test
    void databaseUrlWinsAndPgPasswordFillsAMissingPassword() {
        RelayConfig c = new RelayConfig();
        c.setDatabaseUrl("postgresql://app@db.internal:6543/shop?sslmode=require");
        c.setDatabaseHost("ignored");
        c.setDatabaseUser("ignored");
        c.setDatabasePassword("from-pgpassword");
        DatabaseUrl d = c.validate().database();
        assertThat(d.host()).isEqualTo("db.internal");
        assertThat(d.port()).isEqualTo(6543);
        assertThat(d.database()).isEqualTo("shop");
        assertThat(d.user()).isEqualTo("app");
        assertThat(d.password()).isEqualTo("from-pgpassword");
        assertThat(d.options().getProperty("sslmode")).isEqualTo("require");

        c.setDatabaseUrl("postgres://app:inurl@db.internal/shop");
        assertThat(c.database().password()).isEqualTo("inurl");
    }

    @Test
    void pgVariablesBuildTheAddressWhenNoUrlIsSet() {
        RelayConfig c = new RelayConfig();
        c.setDatabaseHost("pg.svc");
        c.setDatabasePort("5433");
        c.setDatabaseName("app");
        c.setDatabaseUser("relay");
        c.setDatabasePassword("pw");
        DatabaseUrl d = c.validate().database();
        assertThat(d.jdbcUrl()).isEqualTo("jdbc:postgresql://pg.svc:5433/app");
        assertThat(d.properties().getProperty("user")).isEqualTo("relay");
        assertThat(d.properties().getProperty("password")).isEqualTo("pw");
    }

    @Test
    void theOldNestedPlaceholderValueIsRejectedNamingDatabaseUrl() {
        RelayConfig c = new RelayConfig();
        c.setDatabaseUrl("postgresql://postgres@localhost:5432/postgres`}");
        assertThatThrownBy(c::validate).isInstanceOf(SettingException.class)
                .hasMessageStartingWith("DATABASE_URL (relay.database-url) is not a valid PostgreSQL URL");
    }

    @Test
    void malformedSettingsNameTheirVariable() {
        assertThatThrownBy(() -> with(c -> c.setDatabaseUrl("mysql://db/app"))).hasMessageStartingWith("DATABASE_URL");
        assertThatThrownBy(() -> with(c -> c.setDatabaseUrl("postgresql://u:hunter2@db:port/app")))
                .hasMessageStartingWith("DATABASE_URL").satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        assertThatThrownBy(() -> with(c -> c.setDatabasePort("five"))).hasMessageStartingWith("PGPORT");
        assertThatThrownBy(() -> with(c -> c.setDatabaseHost("db/x"))).hasMessageStartingWith("PGHOST");
        assertThatThrownBy(() -> with(c -> c.setRedisUrl("localhost:6379"))).hasMessageStartingWith("REDIS_URL");
        assertThatThrownBy(() -> with(c -> c.setSlotName("My-Slot"))).hasMessageStartingWith("RELAY_SLOT");
        assertThatThrownBy(() -> with(c -> c.setPublication("pub lic"))).hasMessageStartingWith("RELAY_PUBLICATION");
        assertThatThrownBy(() -> with(c -> c.setLeaseRenewInterval(java.time.Duration.ofSeconds(20))))
                .hasMessageStartingWith("relay.lease-renew-interval");
    }

    private static void with(java.util.function.Consumer<RelayConfig> change) {
        RelayConfig c = new RelayConfig();
        change.accept(c);
        c.validate();
    }
}
