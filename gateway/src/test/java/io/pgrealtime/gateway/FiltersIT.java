package io.pgrealtime.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter language of protocol.md §4 end to end: every operator on real rows of several column
 * types (what each subscriber gets is computed independently in Java), and the delivery rules for
 * UPDATE ({@code view}: enter, stay, leave) and DELETE under REPLICA IDENTITY FULL and DEFAULT.
 */
@RealtimeIntegrationTest
class FiltersIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    private static final String[] WORDS = {"apple", "banana", "Banana", "cherry", "BANANA bread", "grape", "mango", "tangerine"};
    private static final String[] STATUS = {"open", "closed", "archived"};

    private static GatewayFixture fx;
    private static EmbeddedServer node;

    @BeforeAll
    static void start(TestDatabase db, TestRedis redis) {
        fx = new GatewayFixture(db, redis);
        node = fx.startNode("filters-node");
        fx.createAndEnable("CREATE TABLE public.items (id int PRIMARY KEY, qty int NOT NULL, price numeric(10,2),"
                        + " name text NOT NULL, label text, active boolean, created_at timestamptz NOT NULL, status text NOT NULL)",
                "public.items", "replica_identity_full => true", node);
        fx.createAndEnable("CREATE TABLE public.tickets (id int PRIMARY KEY, status text NOT NULL, prio int NOT NULL, note text)",
                "public.tickets", "replica_identity_full => true", node);
        fx.createAndEnable("CREATE TABLE public.big_docs (id int PRIMARY KEY, status text NOT NULL, body text NOT NULL)",
                "public.big_docs", "replica_identity_full => true", node);
        fx.createAndEnable("CREATE TABLE public.nums (id int PRIMARY KEY, big bigint, dec numeric(30,10), f float8)",
                "public.nums", "", node);
        fx.createAndEnable("CREATE TABLE public.plain_rows (id int PRIMARY KEY, status text NOT NULL, note text)",
                "public.plain_rows", "", node);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    /** One generated row of public.items. */
    record Item(int id, int qty, BigDecimal price, String name, String label, Boolean active, Instant createdAt, String status) {
        static Item of(int id) {
            return new Item(id,
                    (id * 7) % 50,
                    id % 7 == 0 ? null : BigDecimal.valueOf(((id * 37L) % 40) * 25, 2),
                    WORDS[id % WORDS.length] + " " + id,
                    id % 3 == 0 ? null : "L" + (id % 4),
                    id % 4 == 0 ? null : id % 2 == 1,
                    T0.plus(Duration.ofHours(id)),
                    STATUS[(id / 2) % 3]);
        }

        String values() {
            return "(" + id + ", " + qty + ", " + (price == null ? "NULL" : price.toPlainString()) + ", '" + name + "', "
                    + (label == null ? "NULL" : "'" + label + "'") + ", " + (active == null ? "NULL" : active) + ", '"
                    + createdAt + "', '" + status + "')";
        }
    }

    private static boolean cmp(BigDecimal v, String op, double c) {
        if (v == null) {
            return false;
        }
        int r = v.compareTo(BigDecimal.valueOf(c));
        return switch (op) {
            case "eq" -> r == 0;
            case "gt" -> r > 0;
            case "gte" -> r >= 0;
            case "lt" -> r < 0;
            default -> r <= 0;
        };
    }

    /** SQL LIKE: % any run, _ any one character; ilike compares lower-cased. */
    private static boolean like(String value, String pattern, boolean ci) {
        if (value == null) {
            return false;
        }
        StringBuilder re = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            re.append(ch == '%' ? ".*" : ch == '_' ? "." : Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(re.toString(), ci ? Pattern.CASE_INSENSITIVE | Pattern.DOTALL : Pattern.DOTALL).matcher(value).matches();
    }

    private static Instant ts(String iso) {
        return java.time.OffsetDateTime.parse(iso).toInstant();
    }

    /** Filter JSON → which rows it must match. */
    private static Map<String, Map.Entry<String, Predicate<Item>>> filters() {
        Map<String, Map.Entry<String, Predicate<Item>>> f = new LinkedHashMap<>();
        f.put("eq bare int", Map.entry("{\"qty\":14}", r -> r.qty == 14));
        f.put("eq explicit text", Map.entry("{\"status\":{\"eq\":\"archived\"}}", r -> r.status.equals("archived")));
        f.put("eq numeric 1 == 1.00", Map.entry("{\"price\":5}", r -> cmp(r.price, "eq", 5)));
        f.put("eq bare boolean", Map.entry("{\"active\":true}", r -> Boolean.TRUE.equals(r.active)));
        f.put("eq timestamptz other offset", Map.entry("{\"created_at\":\"2024-01-02T02:00:00+01:00\"}",
                r -> r.createdAt.equals(Instant.parse("2024-01-02T01:00:00Z"))));
        f.put("neq", Map.entry("{\"status\":{\"neq\":\"open\"}}", r -> !r.status.equals("open")));
        f.put("neq nullable", Map.entry("{\"label\":{\"neq\":\"L1\"}}", r -> r.label != null && !r.label.equals("L1")));
        f.put("gt", Map.entry("{\"qty\":{\"gt\":40}}", r -> r.qty > 40));
        f.put("gte numeric", Map.entry("{\"price\":{\"gte\":7.5}}", r -> cmp(r.price, "gte", 7.5)));
        f.put("lt timestamptz", Map.entry("{\"created_at\":{\"lt\":\"2024-01-04T00:00:00Z\"}}",
                r -> r.createdAt.isBefore(Instant.parse("2024-01-04T00:00:00Z"))));
        f.put("lte text", Map.entry("{\"status\":{\"lte\":\"closed\"}}", r -> r.status.compareTo("closed") <= 0));
        f.put("gt and lte on one column", Map.entry("{\"qty\":{\"gt\":5,\"lte\":8}}", r -> r.qty > 5 && r.qty <= 8));
        f.put("in int", Map.entry("{\"qty\":{\"in\":[1,2,3,14,49]}}", r -> List.of(1, 2, 3, 14, 49).contains(r.qty)));
        f.put("in text", Map.entry("{\"status\":{\"in\":[\"open\",\"archived\"]}}", r -> !r.status.equals("closed")));
        f.put("like", Map.entry("{\"name\":{\"like\":\"%an%\"}}", r -> like(r.name, "%an%", false)));
        f.put("like underscore", Map.entry("{\"name\":{\"like\":\"_ango%\"}}", r -> like(r.name, "_ango%", false)));
        f.put("ilike", Map.entry("{\"name\":{\"ilike\":\"BAN%\"}}", r -> like(r.name, "BAN%", true)));
        f.put("between timestamptz", Map.entry("{\"created_at\":{\"between\":[\"2024-01-03T00:00:00Z\",\"2024-01-06T12:00:00Z\"]}}",
                r -> !r.createdAt.isBefore(ts("2024-01-03T00:00:00Z")) && !r.createdAt.isAfter(ts("2024-01-06T12:00:00Z"))));
        f.put("between int", Map.entry("{\"qty\":{\"between\":[10,20]}}", r -> r.qty >= 10 && r.qty <= 20));
        f.put("between numeric", Map.entry("{\"price\":{\"between\":[2.25,4.5]}}", r -> cmp(r.price, "gte", 2.25) && cmp(r.price, "lte", 4.5)));
        f.put("is null", Map.entry("{\"label\":{\"is\":null}}", r -> r.label == null));
        f.put("is null numeric", Map.entry("{\"price\":{\"is\":null}}", r -> r.price == null));
        f.put("is true", Map.entry("{\"active\":{\"is\":true}}", r -> Boolean.TRUE.equals(r.active)));
        f.put("is false", Map.entry("{\"active\":{\"is\":false}}", r -> Boolean.FALSE.equals(r.active)));
        f.put("$and", Map.entry("{\"$and\":[{\"qty\":{\"gte\":10}},{\"qty\":{\"lt\":30}},{\"status\":\"open\"}]}",
                r -> r.qty >= 10 && r.qty < 30 && r.status.equals("open")));
        f.put("$or", Map.entry("{\"$or\":[{\"status\":\"open\"},{\"active\":{\"is\":null}},{\"price\":{\"gt\":9}}]}",
                r -> r.status.equals("open") || r.active == null || cmp(r.price, "gt", 9)));
        f.put("implicit and with nested $or/$and", Map.entry(
                "{\"status\":{\"neq\":\"archived\"},\"$or\":[{\"label\":{\"is\":null}},{\"$and\":[{\"qty\":{\"lte\":5}},{\"active\":true}]}]}",
                r -> !r.status.equals("archived") && (r.label == null || (r.qty <= 5 && Boolean.TRUE.equals(r.active)))));
        f.put("eq and range (indexed and evaluated)", Map.entry("{\"status\":\"closed\",\"qty\":{\"gt\":25}}",
                r -> r.status.equals("closed") && r.qty > 25));
        return f;
    }

    @Test
    void everyOperatorDeliversExactlyTheMatchingRows() {
        int rows = 300;
        List<Item> items = new ArrayList<>();
        for (int id = 1; id <= rows; id++) {
            items.add(Item.of(id));
        }
        Map<String, Map.Entry<String, Predicate<Item>>> filters = filters();
        Map<String, WsClient> clients = new LinkedHashMap<>();
        WsClient all = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("f-all"));
        try {
            all.send("{\"type\":\"subscribe\",\"channel\":\"table:public.items\"}");
            assertThat(all.awaitType("ack").path("status").asText()).isEqualTo("subscribed");
            int n = 0;
            for (Map.Entry<String, Map.Entry<String, Predicate<Item>>> e : filters.entrySet()) {
                WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("f-" + (++n)));
                clients.put(e.getKey(), c);
                c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.items\",\"filter\":" + e.getValue().getKey() + "}");
                JsonNode ack = c.await(m -> m.has("type"), Duration.ofSeconds(10));
                assertThat(ack.toString()).as(e.getKey()).contains("\"status\":\"subscribed\"");
            }

            for (int from = 0; from < rows; from += 100) {
                StringBuilder sql = new StringBuilder("INSERT INTO public.items VALUES ");
                for (int i = from; i < from + 100; i++) {
                    sql.append(i == from ? "" : ", ").append(items.get(i).values());
                }
                fx.db.execute(sql.toString());
            }

            // The unfiltered subscriber gets every row, with the column types of the relay.
            List<JsonNode> every = all.changes("table:public.items", rows, WAIT);
            assertThat(ids(every)).containsExactlyElementsOf(range(1, rows));
            JsonNode r7 = every.get(6).get("payload").get("record");
            Item i7 = items.get(6);
            assertThat(r7.get("qty").isIntegralNumber()).isTrue();
            assertThat(r7.get("price").isNull()).isTrue();
            assertThat(every.get(0).get("payload").get("record").get("price").decimalValue()).isEqualByComparingTo(items.get(0).price);
            assertThat(r7.get("name").asText()).isEqualTo(i7.name);
            assertThat(r7.get("active").asBoolean()).isEqualTo(i7.active);
            assertThat(Instant.parse(r7.get("created_at").asText())).isEqualTo(i7.createdAt);

            List<String> failures = new ArrayList<>();
            for (Map.Entry<String, WsClient> e : clients.entrySet()) {
                String name = e.getKey();
                Predicate<Item> p = filters.get(name).getValue();
                List<Integer> expected = items.stream().filter(p).map(Item::id).toList();
                assertThat(expected).as("test data for '%s' must match some rows but not all", name)
                        .isNotEmpty().hasSizeLessThan(rows);
                List<JsonNode> got = new ArrayList<>();
                try {
                    got.addAll(e.getValue().changes("table:public.items", expected.size(), Duration.ofSeconds(10)));
                } catch (AssertionError timeout) {
                    failures.add(name + ": " + timeout.getMessage());
                }
                got.addAll(e.getValue().drain(Duration.ofMillis(150)).stream().filter(m -> m.has("id")).toList());
                List<Integer> gotIds = ids(got);
                if (!gotIds.equals(expected)) {
                    TreeSet<Integer> missing = new TreeSet<>(expected);
                    missing.removeAll(gotIds);
                    TreeSet<Integer> extra = new TreeSet<>(gotIds);
                    extra.removeAll(expected);
                    failures.add(name + " " + filters.get(name).getKey() + ": expected " + expected.size() + " rows, got "
                            + gotIds.size() + "; missing " + missing + ", unexpected " + extra);
                }
                assertThat(got).allMatch(m -> "INSERT".equals(m.get("payload").get("type").asText()));
            }
            assertThat(failures).as("filters that delivered the wrong rows").isEmpty();
        } finally {
            all.close();
            clients.values().forEach(WsClient::close);
        }
    }

    @Test
    void updatesCarryTheirViewAndDeletesFollowTheOldRowUnderReplicaIdentityFull() {
        try (WsClient open = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("v-open"));
             WsClient prio = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("v-prio"))) {
            open.send("{\"type\":\"subscribe\",\"channel\":\"table:public.tickets\",\"filter\":{\"status\":\"open\"}}");
            prio.send("{\"type\":\"subscribe\",\"channel\":\"table:public.tickets\",\"filter\":{\"prio\":{\"gte\":3}}}");
            assertThat(open.awaitType("ack").path("status").asText()).isEqualTo("subscribed");
            assertThat(prio.awaitType("ack").path("status").asText()).isEqualTo("subscribed");

            fx.db.execute(
                    "INSERT INTO public.tickets VALUES (1,'closed',1,'a'), (2,'open',5,'a'), (3,'open',4,'a'),"
                            + " (4,'closed',1,'a'), (5,'open',3,'a'), (6,'closed',5,'a')",
                    "UPDATE public.tickets SET status = 'open' WHERE id = 1",              // closed → open
                    "UPDATE public.tickets SET note = 'b' WHERE id = 2",                   // open → open
                    "UPDATE public.tickets SET status = 'closed', prio = 1 WHERE id = 3",  // open → closed
                    "UPDATE public.tickets SET note = 'b' WHERE id = 4",                   // closed → closed
                    "UPDATE public.tickets SET prio = 1 WHERE id = 6",                     // prio 5 → 1
                    "UPDATE public.tickets SET prio = 9 WHERE id = 4",                     // prio 1 → 9
                    "DELETE FROM public.tickets WHERE id = 5",                             // open, prio 3
                    "DELETE FROM public.tickets WHERE id = 4",                             // closed, prio 9
                    "DELETE FROM public.tickets WHERE id = 6",                             // closed, prio 1
                    "INSERT INTO public.tickets VALUES (100,'open',9,'end')");             // both: the last event

            List<String> expectOpen = List.of("INSERT 2", "INSERT 3", "INSERT 5", "UPDATE 1 enter", "UPDATE 2 stay",
                    "UPDATE 3 leave", "DELETE 5", "INSERT 100");
            List<String> expectPrio = List.of("INSERT 2", "INSERT 3", "INSERT 5", "INSERT 6", "UPDATE 2 stay",
                    "UPDATE 3 leave", "UPDATE 6 leave", "UPDATE 4 enter", "DELETE 5", "DELETE 4", "INSERT 100");
            List<JsonNode> gotOpen = untilSentinel(open, "table:public.tickets", 100);
            List<JsonNode> gotPrio = untilSentinel(prio, "table:public.tickets", 100);
            assertThat(describe(gotOpen)).isEqualTo(expectOpen);
            assertThat(describe(gotPrio)).isEqualTo(expectPrio);

            // A 'leave' carries the new row (which no longer matches) and the old one (which did).
            JsonNode leave = gotOpen.get(5).get("payload");
            assertThat(leave.get("record").get("status").asText()).isEqualTo("closed");
            assertThat(leave.get("old_record").get("status").asText()).isEqualTo("open");
            JsonNode enter = gotOpen.get(3).get("payload");
            assertThat(enter.get("old_record").get("status").asText()).isEqualTo("closed");
            JsonNode delete = gotOpen.get(6).get("payload");
            assertThat(delete.get("old_record").get("status").asText()).isEqualTo("open");
            assertThat(delete.get("old_record").get("prio").asInt()).isEqualTo(3);
        }
    }

    @Test
    void underReplicaIdentityDefaultADeleteReachesOnlyFiltersOnKeyColumns() {
        try (WsClient byId = sub("d-id", "{\"id\":5}");
             WsClient byStatus = sub("d-status", "{\"status\":\"open\"}");
             WsClient byIdIn = sub("d-in", "{\"id\":{\"in\":[5,6]}}");
             WsClient mixed = sub("d-mixed", "{\"$or\":[{\"id\":5},{\"status\":\"open\"}]}")) {
            fx.db.execute(
                    "INSERT INTO public.plain_rows VALUES (5, 'open', 'a')",
                    "INSERT INTO public.plain_rows VALUES (6, 'closed', 'a')",
                    "UPDATE public.plain_rows SET status = 'open' WHERE id = 6",
                    "UPDATE public.plain_rows SET status = 'closed' WHERE id = 5",
                    "DELETE FROM public.plain_rows WHERE id = 5",
                    "DELETE FROM public.plain_rows WHERE id = 6",
                    "INSERT INTO public.plain_rows VALUES (5, 'open', 'z')");
            String ch = "table:public.plain_rows";
            List<JsonNode> id = untilSentinelNote(byId, ch, "z");
            List<JsonNode> status = untilSentinelNote(byStatus, ch, "z");
            List<JsonNode> in = untilSentinelNote(byIdIn, ch, "z");
            List<JsonNode> mix = untilSentinelNote(mixed, ch, "z");
            assertThat(ops(id)).containsExactly("INSERT 5", "UPDATE 5", "DELETE 5", "INSERT 5");
            assertThat(ops(status)).containsExactly("INSERT 5", "UPDATE 6", "INSERT 5");
            assertThat(ops(in)).containsExactly("INSERT 5", "INSERT 6", "UPDATE 6", "UPDATE 5", "DELETE 5", "DELETE 6", "INSERT 5");
            assertThat(ops(mix)).containsExactly("INSERT 5", "UPDATE 6", "UPDATE 5", "INSERT 5");
            JsonNode delete = id.get(2).get("payload");
            assertThat(delete.get("old_record").toString()).isEqualTo("{\"id\":5}");
        }
    }

    @Test
    void aFilterOnAnUnchangedToastedColumnStillMatchesUpdatesUnderReplicaIdentityFull() {
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("toast"))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.big_docs\",\"filter\":{\"body\":{\"like\":\"MARK%\"}}}");
            assertThat(c.awaitType("ack").path("status").asText()).isEqualTo("subscribed");
            String big = "(SELECT string_agg(md5(g::text || random()::text), '') FROM generate_series(1, 1000) g)";
            fx.db.execute(
                    "INSERT INTO public.big_docs VALUES (1, 'draft', 'MARK' || " + big + "), (2, 'draft', 'NOPE' || " + big + ")",
                    // body is stored out of line and unchanged: pgoutput does not send it with the new row.
                    "UPDATE public.big_docs SET status = 'published' WHERE id IN (1, 2)",
                    "INSERT INTO public.big_docs VALUES (3, 'end', 'MARK')");
            List<JsonNode> got = untilSentinel(c, "table:public.big_docs", 3);
            assertThat(describe(got)).containsExactly("INSERT 1", "UPDATE 1 stay", "INSERT 3");
            JsonNode update = got.get(1).get("payload");
            assertThat(update.get("record").get("status").asText()).isEqualTo("published");
            assertThat(update.get("record").get("body").asText()).startsWith("MARK").hasSize(4 + 32 * 1000);
        }
    }

    @Test
    void numbersCompareExactlyAsTheirColumnTypes() {
        Map<String, List<Integer>> cases = new LinkedHashMap<>();
        cases.put("{\"big\":9007199254740993}", List.of(2));
        cases.put("{\"big\":{\"gt\":9007199254740992}}", List.of(2, 3));
        cases.put("{\"dec\":12345678901234567890.1234567891}", List.of(1));
        cases.put("{\"dec\":{\"lt\":12345678901234567890.1234567892}}", List.of(1, 4, 5));
        cases.put("{\"f\":0.1}", List.of(1));
        cases.put("{\"f\":{\"gt\":100}}", List.of(3, 4));
        cases.put("{\"f\":{\"lt\":0}}", List.of(5));
        List<WsClient> clients = new ArrayList<>();
        try {
            int n = 0;
            for (String filter : cases.keySet()) {
                WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("num-" + (++n)));
                clients.add(c);
                c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.nums\",\"filter\":" + filter + "}");
                assertThat(c.await(m -> m.has("type"), Duration.ofSeconds(10)).toString()).as(filter).contains("\"subscribed\"");
            }
            WsClient all = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("num-all"));
            clients.add(all);
            all.send("{\"type\":\"subscribe\",\"channel\":\"table:public.nums\"}");
            all.awaitType("ack");
            fx.db.execute("INSERT INTO public.nums VALUES"
                    + " (1, 9007199254740992, 12345678901234567890.1234567891, 0.1),"
                    + " (2, 9007199254740993, 12345678901234567890.1234567892, 0.30000000000000004),"
                    + " (3, 9223372036854775807, 12345678901234567890.1234567893, 'Infinity'),"
                    + " (4, -1, -5, 'NaN'),"
                    + " (5, 0, 0, '-Infinity')");
            assertThat(ids(all.changes("table:public.nums", 5, WAIT))).containsExactly(1, 2, 3, 4, 5);
            int i = 0;
            for (Map.Entry<String, List<Integer>> e : cases.entrySet()) {
                WsClient c = clients.get(i++);
                List<JsonNode> got = new ArrayList<>(c.changes("table:public.nums", e.getValue().size(), Duration.ofSeconds(10)));
                got.addAll(c.drain(Duration.ofMillis(150)).stream().filter(m -> m.has("id")).toList());
                assertThat(ids(got)).as(e.getKey()).isEqualTo(e.getValue());
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static WsClient sub(String user, String filter) {
        WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), fx.token(user));
        c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.plain_rows\",\"filter\":" + filter + "}");
        assertThat(c.awaitType("ack").path("status").asText()).isEqualTo("subscribed");
        return c;
    }

    /** Change events up to and including the INSERT of {@code sentinelId}. */
    private static List<JsonNode> untilSentinel(WsClient c, String channel, int sentinelId) {
        return until(c, channel, p -> "INSERT".equals(p.get("type").asText()) && p.get("record").get("id").asInt() == sentinelId);
    }

    private static List<JsonNode> untilSentinelNote(WsClient c, String channel, String note) {
        return until(c, channel, p -> "INSERT".equals(p.get("type").asText()) && note.equals(p.get("record").get("note").asText()));
    }

    private static List<JsonNode> until(WsClient c, String channel, Predicate<JsonNode> last) {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            JsonNode m;
            try {
                m = c.await(x -> x.has("id") && channel.equals(x.path("channel").asText()), left.isNegative() ? Duration.ZERO : left);
            } catch (AssertionError e) {
                throw new AssertionError("sentinel not reached; got " + describe(out), e);
            }
            out.add(m);
            if (last.test(m.get("payload"))) {
                return out;
            }
        }
    }

    /** "TYPE id[ view]" per event. */
    private static List<String> describe(List<JsonNode> events) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : events) {
            JsonNode p = e.get("payload");
            JsonNode row = p.has("record") ? p.get("record") : p.get("old_record");
            String s = p.get("type").asText() + " " + row.get("id").asInt();
            if ("UPDATE".equals(p.get("type").asText()) && p.has("view")) {
                s += " " + p.get("view").asText();
            }
            out.add(s);
        }
        return out;
    }

    private static List<String> ops(List<JsonNode> events) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : events) {
            JsonNode p = e.get("payload");
            JsonNode row = p.has("record") ? p.get("record") : p.get("old_record");
            out.add(p.get("type").asText() + " " + row.get("id").asInt());
        }
        return out;
    }

    private static List<Integer> ids(List<JsonNode> events) {
        return events.stream().map(m -> m.get("payload").get("record").get("id").asInt()).toList();
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }
}
