package io.pgrealtime.testsupport;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The fault tests of later issues rest on this: servers stop and come back with their data. */
@RealtimeIntegrationTest
class ServerRestartIT {

    @Test
    void postgresAndRedisStopAndRestartKeepingTheirData(TestDatabase db, TestRedis redis) throws Exception {
        assumeTrue(db.server().canRestart() && redis.server().canRestart(),
                "external and container backends are not restarted by tests");
        String slot = db.uniqueName("restart_slot");
        db.execute("CREATE TABLE kept(id int primary key)", "INSERT INTO kept VALUES (1), (2), (3)",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        String key = redis.keyPrefix() + "kept";

        RedisClient client = redis.newClient();
        client.setDefaultTimeout(Duration.ofSeconds(2));
        try {
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                c.sync().xadd(key, Map.of("v", "1"));
            }

            db.server().stop();
            redis.server().stop();
            assertThatThrownBy(db::connect).isInstanceOf(SQLException.class);
            assertThatThrownBy(client::connect).isInstanceOf(io.lettuce.core.RedisConnectionException.class);

            db.server().start();
            redis.server().start();
            assertThat(db.queryOne("SELECT count(*) FROM kept")).isEqualTo("3");
            assertThat(db.queryOne("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'"))
                    .isEqualTo("1");
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                assertThat(c.sync().xlen(key)).isEqualTo(1);
            }

            // A hard kill keeps what Redis acknowledged (append-only file, fsync always).
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                c.sync().xadd(key, Map.of("v", "2"));
            }
            redis.server().kill();
            redis.server().start();
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                assertThat(c.sync().xlen(key)).isEqualTo(2);
            }
            try (Connection c = db.connect()) {
                assertThat(c.isValid(2)).isTrue();
            }
        } finally {
            client.shutdown();
            db.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }
}
