package io.pgrealtime.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.StreamMessage;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.Operation;
import io.pgrealtime.protocol.StreamId;
import io.pgrealtime.relay.publish.StreamEntry;
import io.pgrealtime.relay.replication.ReplicationStep;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealtimeIntegrationTest
class RelayStreamingIT {
    private RelayFixture fx;

    @BeforeEach
    void setUp(TestDatabase db, TestRedis redis) {
        fx = new RelayFixture(db, redis);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void insertUpdateDeleteLandInTheTableStreamWithWalDerivedIds() {
        Relay relay = fx.start("a");
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.step() == ReplicationStep.STREAMING);
        fx.db.execute("CREATE TABLE public.notes (id int PRIMARY KEY, body text, score numeric)",
                "SELECT realtime.enable('public.notes')",
                "INSERT INTO public.notes VALUES (1, 'one', 1.50)",
                "UPDATE public.notes SET body = 'uno' WHERE id = 1",
                "DELETE FROM public.notes WHERE id = 1");

        await().atMost(Duration.ofSeconds(20)).until(() -> fx.streamLength("public.notes") == 3);
        List<ChangeEvent> events = fx.events("public.notes");
        assertThat(events).extracting(ChangeEvent::operation)
                .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.DELETE);
        assertThat(events.get(0).record().toString()).isEqualTo("{\"id\":1,\"body\":\"one\",\"score\":1.50}");
        assertThat(events.get(1).record().get("body").asText()).isEqualTo("uno");
        assertThat(events.get(2).oldRecord().toString()).isEqualTo("{\"id\":1}");
        assertThat(events.get(0).primaryKey()).containsExactly("id");
        for (ChangeEvent e : events) {
            StreamId id = StreamId.parse(e.id());
            assertThat(id.lsn()).isEqualTo(e.lsn());
            assertThat(e.commitTime()).isNotNull();
        }
        assertThat(StreamId.parse(events.get(0).id())).isLessThan(StreamId.parse(events.get(1).id()));

        // The configuration change reached the control stream and the snapshot.
        JsonNode snapshot = readJson(fx.redis().hget(fx.keys.config(), "tables"));
        assertThat(snapshot.get("tables").get(0).get("table").asText()).isEqualTo("notes");
        assertThat(snapshot.get("tables").get(0).get("columns").toString())
                .isEqualTo("{\"id\":\"int4\",\"body\":\"text\",\"score\":\"numeric\"}");
        assertThat(snapshot.get("tables").get(0).get("primary_key").toString()).isEqualTo("[\"id\"]");
        // The slot is confirmed past the last stored change.
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.compareUnsigned(fx.confirmedFlush(), events.get(2).lsn()) > 0);
    }

    @Test
    void columnChangesReachTheConfigurationSnapshot() {
        Relay relay = fx.start("a");
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.step() == ReplicationStep.STREAMING);
        fx.db.execute("CREATE TABLE public.evolving (id int PRIMARY KEY, a text)",
                "SELECT realtime.enable('public.evolving')",
                "INSERT INTO public.evolving VALUES (1, 'x')",
                "ALTER TABLE public.evolving ADD COLUMN b int, DROP COLUMN a",
                "INSERT INTO public.evolving VALUES (2, 7)");
        await().atMost(Duration.ofSeconds(20)).until(() -> fx.streamLength("public.evolving") == 2);
        assertThat(fx.events("public.evolving").get(1).record().toString()).isEqualTo("{\"id\":2,\"b\":7}");
        await().atMost(Duration.ofSeconds(10)).until(() -> readJson(fx.redis().hget(fx.keys.config(), "tables"))
                .get("tables").toString().contains("{\"id\":\"int4\",\"b\":\"int4\"}"));
    }

    @Test
    void tablesWithoutRealtimeAndUnpublishedActionsAreSkipped() {
        Relay relay = fx.start("a");
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.step() == ReplicationStep.STREAMING);
        fx.db.execute("CREATE TABLE public.only_inserts (id int PRIMARY KEY, v text)",
                "CREATE TABLE public.not_enabled (id int PRIMARY KEY)",
                "SELECT realtime.enable('public.only_inserts', actions => array['insert'])",
                "INSERT INTO public.not_enabled VALUES (1)",
                "INSERT INTO public.only_inserts VALUES (1, 'a')",
                "UPDATE public.only_inserts SET v = 'b'",
                "INSERT INTO public.only_inserts VALUES (2, 'c')");
        await().atMost(Duration.ofSeconds(20)).until(() -> fx.streamLength("public.only_inserts") == 2);
        assertThat(fx.events("public.only_inserts")).extracting(ChangeEvent::operation)
                .containsOnly(Operation.INSERT);
        assertThat(fx.redis().exists(fx.keys.changes("public.not_enabled"))).isZero();
    }

    @Test
    void sendBecomesABroadcastOnlyWhenItsTransactionCommits() throws Exception {
        Relay relay = fx.start("a");
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.step() == ReplicationStep.STREAMING);
        try (var c = fx.db.connect()) {
            c.setAutoCommit(false);
            c.createStatement().execute("SELECT realtime.send('room:lobby', 'game:state', '{\"phase\":\"lost\"}'::jsonb)");
            c.rollback();
            c.createStatement().execute("SELECT realtime.send('room:lobby', 'game:state', '{\"phase\":\"battle\"}'::jsonb)");
            c.commit();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> fx.control().stream()
                .anyMatch(m -> m.getBody().get(StreamEntry.FIELD).contains("broadcast")));
        List<JsonNode> broadcasts = fx.control().stream().map(m -> readJson(m.getBody().get(StreamEntry.FIELD)))
                .filter(n -> n.get("kind").asText().equals("broadcast")).toList();
        assertThat(broadcasts).hasSize(1);
        assertThat(broadcasts.get(0).get("channel").asText()).isEqualTo("room:lobby");
        assertThat(broadcasts.get(0).get("event").asText()).isEqualTo("game:state");
        assertThat(broadcasts.get(0).get("payload").toString()).isEqualTo("{\"phase\":\"battle\"}");
    }

    private static JsonNode readJson(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unused")
    private static String body(StreamMessage<String, String> m) {
        return m.getBody().get(StreamEntry.FIELD);
    }
}
