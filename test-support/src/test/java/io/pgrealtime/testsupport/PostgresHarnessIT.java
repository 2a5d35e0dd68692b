package io.pgrealtime.testsupport;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@RealtimeIntegrationTest
class PostgresHarnessIT {

    @Test
    void serverIsConfiguredForLogicalReplication(TestDatabase db) {
        assertThat(db.queryOne("SHOW wal_level")).isEqualTo("logical");
        assertThat(Integer.parseInt(db.queryOne("SHOW max_replication_slots"))).isGreaterThanOrEqualTo(10);
        assertThat(Integer.parseInt(db.queryOne("SHOW max_wal_senders"))).isGreaterThanOrEqualTo(10);
        assertThat(db.queryOne("SELECT current_database()")).isEqualTo(db.name());
    }

    @Test
    void pgoutputSlotIsCreatedAndRead(TestDatabase db) throws Exception {
        String slot = db.uniqueName("harness_slot");
        db.execute("CREATE TABLE items(id int primary key, name text)",
                "CREATE PUBLICATION harness_pub FOR TABLE items");
        db.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        db.execute("INSERT INTO items VALUES (1, 'one'), (2, 'two')");

        List<Character> kinds = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT data FROM pg_logical_slot_get_binary_changes('" + slot
                     + "', NULL, NULL, 'proto_version', '1', 'publication_names', 'harness_pub')")) {
            while (rs.next()) {
                kinds.add((char) rs.getBytes(1)[0]);
            }
        }
        // Begin, Relation, Insert, Insert, Commit: the pgoutput message types of one transaction.
        assertThat(kinds).containsExactly('B', 'R', 'I', 'I', 'C');
        db.execute("SELECT pg_drop_replication_slot('" + slot + "')");
    }

    @Test
    void eachTestClassHasItsOwnDatabase(TestDatabase db) {
        assertThat(db.name()).contains("postgresharnessit");
        assertThat(db.queryColumn("SELECT datname FROM pg_database")).contains(db.name());
    }
}
