package io.pgrealtime.relay;

import io.pgrealtime.relay.config.DatabaseUrl;
import io.pgrealtime.relay.config.RelayConfig;
import io.pgrealtime.relay.replication.ReplicationStep;
import io.pgrealtime.relay.schema.SchemaBootstrap;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.replication.PGReplicationStream;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Setup problems give an actionable message and a retry, not a crash loop. */
@RealtimeIntegrationTest
class RelaySetupErrorsIT {

    @Test
    void aUserWithoutReplicationPrivilegeIsToldHowToGrantIt(TestDatabase db, TestRedis redis) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(db.user());
        ds.setPassword(db.password());
        SchemaBootstrap.migrate(ds, "realtime");
        db.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'norepl') THEN"
                + " CREATE ROLE norepl LOGIN PASSWORD 'norepl'; END IF; END $$");
        try (RelayFixture fx = new RelayFixture(db, redis)) {
            RelayConfig cfg = fx.config("norepl");
            DatabaseUrl admin = cfg.database();
            cfg.setDatabaseUrl("postgresql://norepl:norepl@" + admin.host() + ":" + admin.port() + "/" + admin.database());
            cfg.setBootstrap(false);
            Relay relay = fx.start(cfg);
            await().atMost(Duration.ofSeconds(20)).until(() -> relay.lastError() != null);
            assertThat(relay.lastError()).contains("ALTER ROLE norepl WITH REPLICATION");
            assertThat(relay.step()).isNotEqualTo(ReplicationStep.STREAMING);
        }
    }

    @Test
    void aSlotHeldByAnotherProcessIsRetriedUntilItIsFree(TestDatabase db, TestRedis redis) throws Exception {
        try (RelayFixture fx = new RelayFixture(db, redis)) {
            Relay first = fx.start("first");
            await().atMost(Duration.ofSeconds(30)).until(() -> first.step() == ReplicationStep.STREAMING);
            first.close();

            Properties p = new Properties();
            p.setProperty("user", db.user());
            p.setProperty("password", db.password());
            PGProperty.REPLICATION.set(p, "database");
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
            PGProperty.PREFER_QUERY_MODE.set(p, "simple");
            try (Connection holder = DriverManager.getConnection(db.jdbcUrl(), p)) {
                PGReplicationStream held = holder.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
                        .logical().withSlotName(fx.slot).withSlotOption("proto_version", "1")
                        .withSlotOption("publication_names", "realtime").start();
                Relay relay = fx.start("second");
                await().atMost(Duration.ofSeconds(20)).until(() -> relay.lastError() != null);
                assertThat(relay.lastError()).contains("in use by backend pid").contains(fx.slot);
                held.close();
                holder.close();
                await().atMost(Duration.ofSeconds(30)).until(() -> relay.step() == ReplicationStep.STREAMING);
                assertThat(relay.lastError()).isNull();
            }
        }
    }
}
