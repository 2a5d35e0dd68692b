package io.pgrealtime.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Row filters bound to JWT claims (protocol.md §4, architecture "which tables stream, and who may
 * see them"): each tenant sees exactly its rows and cannot widen its view; table roles;
 * excluded columns; the {@code keys} payload mode.
 */
@RealtimeIntegrationTest
class TenantIsolationIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String DOCS = "table:public.docs";

    private static GatewayFixture fx;
    private static EmbeddedServer node;

    @BeforeAll
    static void start(TestDatabase db, TestRedis redis) {
        fx = new GatewayFixture(db, redis);
        node = fx.startNode("tenant-node");
        fx.createAndEnable("CREATE TABLE public.docs (id int PRIMARY KEY, tenant_id text NOT NULL, title text, secret text)",
                "public.docs", "replica_identity_full => true, row_filter => '{\"tenant_id\":\"{{claims.tenant_id}}\"}',"
                        + " exclude_columns => array['secret']", node);
        fx.createAndEnable("CREATE TABLE public.members_only (id int PRIMARY KEY, v text)", "public.members_only",
                "roles => array['member']", node);
        fx.createAndEnable("CREATE TABLE public.keyed (a int, b text, val text, note text, PRIMARY KEY (a, b))", "public.keyed",
                "replica_identity_full => true, payload => 'keys'", node);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static String tenantOf(int id) {
        return switch (id % 5) {
            case 0, 1 -> "t2";
            case 4 -> "t3";
            default -> "t1";
        };
    }

    private static WsClient tenant(String user, String tenantId, String filter) {
        Map<String, Object> claims = tenantId == null ? Map.of() : Map.of("tenant_id", tenantId);
        WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), fx.token(user, "authenticated", claims));
        c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.docs\"" + (filter == null ? "" : ",\"filter\":" + filter)
                + ",\"ref\":\"" + user + "\"}");
        return c;
    }

    private static void assertSubscribed(WsClient c) {
        JsonNode ack = c.await(m -> m.has("type"), Duration.ofSeconds(10));
        assertThat(ack.path("type").asText()).as("%s", ack).isEqualTo("ack");
        assertThat(ack.path("status").asText()).isEqualTo("subscribed");
    }

    @Test
    void eachTenantSeesExactlyItsOwnRowsAndCannotWidenItsView() {
        int rows = 500;
        WsClient t1 = tenant("u1", "t1", null);
        WsClient t2 = tenant("u2", "t2", null);
        WsClient t1AsksForT2 = tenant("u1-wide", "t1", "{\"tenant_id\":\"t2\"}");
        WsClient t1Or = tenant("u1-or", "t1", "{\"$or\":[{\"tenant_id\":\"t2\"},{\"tenant_id\":\"t1\"},{\"title\":{\"like\":\"%\"}}]}");
        WsClient t1Narrow = tenant("u1-narrow", "t1", "{\"title\":{\"like\":\"%7\"}}");
        WsClient noClaim = tenant("u-none", null, null);
        List<WsClient> all = List.of(t1, t2, t1AsksForT2, t1Or, t1Narrow, noClaim);
        try {
            for (WsClient c : List.of(t1, t2, t1AsksForT2, t1Or, t1Narrow)) {
                assertSubscribed(c);
            }
            // Without the claim: refused, or subscribed to nothing; either way no rows (checked below).
            JsonNode noClaimAnswer = noClaim.await(m -> m.has("type"), Duration.ofSeconds(10));
            assertThat(noClaimAnswer.path("type").asText()).as("%s", noClaimAnswer).isIn("ack", "error");
            if ("error".equals(noClaimAnswer.path("type").asText())) {
                assertThat(noClaimAnswer.path("code").asText()).isEqualTo("FORBIDDEN");
            }

            for (int from = 1; from <= rows; from += 100) {
                StringBuilder sql = new StringBuilder("INSERT INTO public.docs VALUES ");
                for (int id = from; id < from + 100; id++) {
                    sql.append(id == from ? "" : ", ").append("(").append(id).append(", '").append(tenantOf(id))
                            .append("', 'doc ").append(id).append("', 's").append(id).append("')");
                }
                fx.db.execute(sql.toString());
            }

            List<Integer> t1Ids = ids(rows, id -> tenantOf(id).equals("t1"));
            List<Integer> t2Ids = ids(rows, id -> tenantOf(id).equals("t2"));
            assertThat(t1Ids).hasSize(200);
            assertThat(t2Ids).hasSize(200);
            assertThat(received(t1, t1Ids.size())).isEqualTo(t1Ids);
            assertThat(received(t2, t2Ids.size())).isEqualTo(t2Ids);
            assertThat(received(t1Or, t1Ids.size())).as("an $or in the client filter does not widen the row filter")
                    .isEqualTo(t1Ids);
            List<Integer> narrow = t1Ids.stream().filter(id -> id % 10 == 7).toList();
            assertThat(received(t1Narrow, narrow.size())).as("the client filter narrows within the tenant").isEqualTo(narrow);
            assertThat(received(t1AsksForT2, 0)).as("asking for another tenant's rows gives nothing").isEmpty();
            assertThat(received(noClaim, 0)).as("a token without the claim sees nothing").isEmpty();
        } finally {
            all.forEach(WsClient::close);
        }
    }

    @Test
    void aRowThatMovesToAnotherTenantIsNeverShownToTheOtherTenant() {
        WsClient t1 = tenant("m1", "t1", null);
        WsClient t2 = tenant("m2", "t2", null);
        try {
            assertSubscribed(t1);
            assertSubscribed(t2);
            fx.db.execute(
                    "INSERT INTO public.docs VALUES (9001, 't1', 'private to t1', 'x')",
                    "UPDATE public.docs SET tenant_id = 't2', title = 'now private to t2' WHERE id = 9001",
                    "UPDATE public.docs SET title = 'still t2' WHERE id = 9001",
                    "UPDATE public.docs SET tenant_id = 't1', title = 'back to t1' WHERE id = 9001",
                    "DELETE FROM public.docs WHERE id = 9001",
                    "INSERT INTO public.docs VALUES (9002, 't1', 'end', 'x'), (9003, 't2', 'end', 'x')");
            List<JsonNode> got1 = untilTitle(t1, 9002);
            List<JsonNode> got2 = untilTitle(t2, 9003);
            List<String> leaks = new ArrayList<>();
            got1.forEach(e -> leaks.addAll(otherTenants(e, "t1")));
            got2.forEach(e -> leaks.addAll(otherTenants(e, "t2")));
            assertThat(leaks).as("rows of another tenant in delivered events").isEmpty();
            assertThat(got1).filteredOn(e -> "leave".equals(e.get("payload").path("view").asText()))
                    .extracting(e -> e.get("payload").get("record").toString()).containsExactly("{\"id\":9001}");
            // Each saw the row while it was theirs: t1 its insert, the move back, the delete; t2 its own update.
            assertThat(got1).extracting(e -> e.get("payload").get("type").asText()).contains("INSERT", "DELETE");
            assertThat(got2).extracting(e -> e.get("payload").get("type").asText()).contains("UPDATE");
        } finally {
            t1.close();
            t2.close();
        }
    }

    /**
     * The sides of an event that hold another tenant's row version. A side reduced to the primary
     * key is not one: a {@code leave} names the row that left (which the subscriber saw), nothing of
     * what it became.
     */
    private static List<String> otherTenants(JsonNode event, String tenant) {
        JsonNode p = event.get("payload");
        List<String> out = new ArrayList<>();
        for (String side : List.of("record", "old_record")) {
            boolean keyOnly = p.has(side) && p.get(side).size() == 1 && p.get(side).has("id");
            if (p.has(side) && !p.get(side).isNull() && !keyOnly && !tenant.equals(p.get(side).path("tenant_id").asText())) {
                out.add("to " + tenant + ": " + p.get("type").asText() + " view=" + p.path("view").asText() + " " + side
                        + "=" + p.get(side));
            }
        }
        return out;
    }

    @Test
    void aRoleTheTableDoesNotAllowIsForbidden() {
        try (WsClient user = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("r-user"));
             WsClient guest = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("r-guest", "guest", Map.of()));
             WsClient member = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("r-member", "member", Map.of()));
             WsClient listed = WsClient.connect(GatewayFixture.wsUrl(node),
                     fx.token("r-listed", null, Map.of("roles", List.of("viewer", "member"))))) {
            for (WsClient c : List.of(user, guest)) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.members_only\",\"ref\":\"m\"}");
                JsonNode err = c.await(m -> m.has("type"), Duration.ofSeconds(10));
                assertThat(err.path("type").asText()).as("%s", err).isEqualTo("error");
                assertThat(err.path("code").asText()).isEqualTo("FORBIDDEN");
                assertThat(err.path("ref").asText()).isEqualTo("m");
                assertThat(err.path("channel").asText()).isEqualTo("table:public.members_only");
                assertThat(err.toString()).doesNotContain("Exception").doesNotContain("at io.");
            }
            for (WsClient c : List.of(member, listed)) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.members_only\"}");
                assertSubscribed(c);
            }
            fx.db.execute("INSERT INTO public.members_only VALUES (1, 'hello members')");
            assertThat(member.changes("table:public.members_only", 1, WAIT).get(0).get("payload").get("record").get("v")
                    .asText()).isEqualTo("hello members");
            assertThat(listed.changes("table:public.members_only", 1, WAIT)).hasSize(1);
            assertThat(user.drain(Duration.ofMillis(300))).noneMatch(m -> m.has("id"));
            assertThat(guest.drain(Duration.ofMillis(100))).noneMatch(m -> m.has("id"));
        }
    }

    @Test
    void anExcludedColumnNeverAppearsAndCannotBeFilteredOn() {
        Map<String, Object> claims = Map.of("tenant_id", "t1");
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("x-user", "authenticated", claims));
             WsClient admin = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("x-admin", "admin", claims))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.docs\",\"filter\":{\"secret\":\"s1\"},\"ref\":\"x\"}");
            JsonNode err = c.await(m -> m.has("type"), Duration.ofSeconds(10));
            assertThat(err.path("code").asText()).as("%s", err).isEqualTo("INVALID_FILTERS");
            assertThat(err.path("ref").asText()).isEqualTo("x");
            assertThat(err.path("details")).hasSize(1);
            assertThat(err.path("details").path("secret").path("field").asText()).isEqualTo("secret");
            assertThat(err.path("details").path("secret").path("code").asText()).isEqualTo("UNKNOWN_FIELD");
            // Nested in $or, too.
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.docs\",\"filter\":{\"$or\":[{\"title\":\"a\"},"
                    + "{\"secret\":{\"like\":\"s%\"}}]},\"ref\":\"y\"}");
            err = c.await(m -> m.has("type"), Duration.ofSeconds(10));
            assertThat(err.path("code").asText()).as("%s", err).isEqualTo("INVALID_FILTERS");
            assertThat(err.path("details").path("secret").path("code").asText()).isEqualTo("UNKNOWN_FIELD");
            assertThat(err.path("details").path("secret").path("field").asText()).isEqualTo("$or[1].secret");

            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.docs\"}");
            admin.send("{\"type\":\"subscribe\",\"channel\":\"table:public.docs\"}");
            assertSubscribed(c);
            assertSubscribed(admin);
            fx.db.execute("INSERT INTO public.docs VALUES (7001, 't1', 'x', 'top secret')",
                    "UPDATE public.docs SET secret = 'even more secret', title = 'y' WHERE id = 7001",
                    "UPDATE public.docs SET secret = 'only the secret changed' WHERE id = 7001",
                    "DELETE FROM public.docs WHERE id = 7001",
                    "INSERT INTO public.docs VALUES (7002, 't1', 'end', 'x')");
            for (WsClient client : List.of(c, admin)) {
                List<JsonNode> got = untilTitle(client, 7002);
                assertThat(got).as("insert, update(s), delete, sentinel").hasSizeGreaterThanOrEqualTo(4);
                for (JsonNode e : got) {
                    assertThat(e.toString()).doesNotContain("secret");
                    JsonNode p = e.get("payload");
                    for (String side : List.of("record", "old_record")) {
                        if (p.has(side)) {
                            assertThat(fieldNames(p.get(side))).isEqualTo(Set.of("id", "tenant_id", "title"));
                        }
                    }
                }
            }
        }
    }

    @Test
    void aClientFilterCannotUseClaimPlaceholders() {
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("p-user", "authenticated", Map.of("tenant_id", "t1")))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.docs\",\"filter\":{\"title\":\"{{claims.sub}}\"},\"ref\":\"p\"}");
            JsonNode err = c.await(m -> m.has("type"), Duration.ofSeconds(10));
            assertThat(err.path("type").asText()).as("%s", err).isEqualTo("error");
            assertThat(err.path("code").asText()).isEqualTo("INVALID_FILTERS");
            assertThat(err.path("ref").asText()).isEqualTo("p");
        }
    }

    @Test
    void keysPayloadCarriesOnlyThePrimaryKey() {
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("k-user"))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.keyed\"}");
            assertSubscribed(c);
            fx.db.execute("INSERT INTO public.keyed VALUES (1, 'x', 'v1', 'n1')",
                    "UPDATE public.keyed SET val = 'v2' WHERE a = 1",
                    "UPDATE public.keyed SET b = 'y' WHERE a = 1",
                    "DELETE FROM public.keyed WHERE a = 1");
            List<JsonNode> got = c.changes("table:public.keyed", 4, WAIT);
            assertThat(got).extracting(e -> e.get("payload").get("type").asText())
                    .containsExactly("INSERT", "UPDATE", "UPDATE", "DELETE");
            assertThat(got.get(0).get("payload").get("record").toString()).isEqualTo("{\"a\":1,\"b\":\"x\"}");
            assertThat(got.get(1).get("payload").get("record").toString()).isEqualTo("{\"a\":1,\"b\":\"x\"}");
            assertThat(got.get(1).get("payload").get("old_record").toString()).isEqualTo("{\"a\":1,\"b\":\"x\"}");
            assertThat(got.get(2).get("payload").get("record").toString()).isEqualTo("{\"a\":1,\"b\":\"y\"}");
            assertThat(got.get(2).get("payload").get("old_record").toString()).isEqualTo("{\"a\":1,\"b\":\"x\"}");
            assertThat(got.get(3).get("payload").get("old_record").toString()).isEqualTo("{\"a\":1,\"b\":\"y\"}");
            assertThat(got.get(3).get("payload").has("record")).isFalse();
            for (JsonNode e : got) {
                assertThat(e.toString()).doesNotContain("v1").doesNotContain("v2").doesNotContain("n1");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Ids of the INSERTs a client receives: exactly {@code expected} of them, then nothing more for a moment. */
    private static List<Integer> received(WsClient c, int expected) {
        List<JsonNode> got = new ArrayList<>(expected == 0 ? List.of() : c.changes(DOCS, expected, WAIT));
        got.addAll(c.drain(Duration.ofMillis(expected == 0 ? 700 : 200)).stream().filter(m -> m.has("id")).toList());
        for (JsonNode e : got) {
            assertThat(e.toString()).doesNotContain("secret").doesNotContain("\"s" + e.get("payload").get("record").get("id") + "\"");
        }
        return got.stream().map(m -> m.get("payload").get("record").get("id").asInt()).toList();
    }

    private static List<Integer> ids(int rows, IntPredicate p) {
        return IntStream.rangeClosed(1, rows).filter(p).boxed().toList();
    }

    /** Change events up to the INSERT of row {@code sentinel}. */
    private static List<JsonNode> untilTitle(WsClient c, int sentinel) {
        List<JsonNode> out = new ArrayList<>();
        while (true) {
            JsonNode m;
            try {
                m = c.await(x -> x.has("id") && DOCS.equals(x.path("channel").asText()), WAIT);
            } catch (AssertionError e) {
                throw new AssertionError("sentinel " + sentinel + " not reached; got " + out, e);
            }
            out.add(m);
            JsonNode p = m.get("payload");
            if ("INSERT".equals(p.get("type").asText()) && p.get("record").get("id").asInt() == sentinel) {
                return out;
            }
        }
    }

    private static Set<String> fieldNames(JsonNode o) {
        Set<String> out = new TreeSet<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
