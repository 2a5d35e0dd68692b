package io.pgrealtime.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.gateway.auth.JwtIssuer;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import io.pgrealtime.protocol.filter.FilterError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every client message type and every server message / error code of protocol.md §1 that a raw
 * WebSocket client can cause today, with the connection's fate after each (open, or closed with
 * the right status), and the limits of §5 that are per connection.
 */
@RealtimeIntegrationTest
class ProtocolErrorsIT {
    private static final String EVENTS = "table:public.pe_events";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static GatewayFixture fx;
    private static EmbeddedServer node;
    private static EmbeddedServer limits;
    private static EmbeddedServer rate;
    private static EmbeddedServer race;
    private static final AtomicInteger ids = new AtomicInteger();
    private static final int RACE_TABLES = 4;

    @BeforeAll
    static void start(TestDatabase db, TestRedis redis) {
        fx = new GatewayFixture(db, redis);
        node = fx.startNode("pe-main");
        limits = fx.startNode("pe-limits", Map.of("gateway.subscriptions-per-connection", 2,
                "gateway.connections-per-user", 2));
        rate = fx.startNode("pe-rate", Map.of("gateway.messages-per-minute", 5));
        race = fx.startNode("pe-race");
        fx.createAndEnable("CREATE TABLE public.pe_events (id int PRIMARY KEY, body text)", "public.pe_events", "",
                node, limits, rate);
        fx.createAndEnable("CREATE TABLE public.pe_events2 (id int PRIMARY KEY, body text)", "public.pe_events2", "",
                node, limits, rate);
        fx.createAndEnable("CREATE TABLE public.pe_admin (id int PRIMARY KEY, salary int)", "public.pe_admin",
                "roles => array['admin']", node);
        fx.db.execute("CREATE TABLE public.pe_plain (id int PRIMARY KEY)");
        for (int i = 1; i <= RACE_TABLES; i++) {
            fx.createAndEnable("CREATE TABLE public.pe_race" + i + " (id int PRIMARY KEY)", "public.pe_race" + i, "", race);
        }
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    // ---------------------------------------------------------------- acks, ping, auth

    @Test
    void subscribeAndUnsubscribeAreAckedWithTheirRef() {
        try (WsClient c = connect(node, "ack-user")) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events\",\"ref\":\"s1\"}");
            assertThat(next(c).toString())
                    .isEqualTo("{\"type\":\"ack\",\"channel\":\"table:public.pe_events\",\"status\":\"subscribed\",\"ref\":\"s1\"}");
            int id = insertEvent();
            assertThat(c.changes(EVENTS, 1, WAIT).get(0).get("payload").get("record").get("id").asInt()).isEqualTo(id);

            c.send("{\"type\":\"unsubscribe\",\"channel\":\"table:public.pe_events\",\"ref\":\"u1\"}");
            assertThat(next(c).toString())
                    .isEqualTo("{\"type\":\"ack\",\"channel\":\"table:public.pe_events\",\"status\":\"unsubscribed\",\"ref\":\"u1\"}");

            // Without a ref, the ack carries none; the short form table:{table} is acked with the canonical name.
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:pe_events\"}");
            assertThat(next(c).toString())
                    .isEqualTo("{\"type\":\"ack\",\"channel\":\"table:public.pe_events\",\"status\":\"subscribed\"}");
            c.send("{\"type\":\"subscribe\",\"channel\":\"broadcast:pe-topic\",\"ref\":\"b1\"}");
            assertThat(next(c).toString())
                    .isEqualTo("{\"type\":\"ack\",\"channel\":\"broadcast:pe-topic\",\"status\":\"subscribed\",\"ref\":\"b1\"}");
            c.send("{\"type\":\"unsubscribe\",\"channel\":\"broadcast:pe-topic\",\"ref\":\"b2\"}");
            assertThat(next(c).toString())
                    .isEqualTo("{\"type\":\"ack\",\"channel\":\"broadcast:pe-topic\",\"status\":\"unsubscribed\",\"ref\":\"b2\"}");
        }
    }

    @Test
    void pingIsAnsweredWithPongWithAndWithoutRef() {
        try (WsClient c = connect(node, "ping-user")) {
            c.send("{\"type\":\"ping\"}");
            assertThat(next(c).toString()).isEqualTo("{\"type\":\"pong\"}");
            c.send("{\"type\":\"ping\",\"ref\":\"p-7\"}");
            assertThat(next(c).toString()).isEqualTo("{\"type\":\"pong\",\"ref\":\"p-7\"}");
            assertThat(c.drain(Duration.ofMillis(300))).isEmpty();
            assertThat(c.isClosed()).isFalse();
        }
    }

    @Test
    void authWithAFreshTokenIsAcked() {
        try (WsClient c = connect(node, "auth-user")) {
            c.send("{\"type\":\"auth\",\"token\":\"" + fx.token("auth-user") + "\",\"ref\":\"a1\"}");
            JsonNode ack = next(c);
            assertThat(ack.path("type").asText()).isEqualTo("ack");
            assertThat(ack.path("ref").asText()).isEqualTo("a1");
            assertStillWorks(c);
        }
    }

    @Test
    void authWithATokenForAnotherUserIsRefusedAndChangesNothing() {
        try (WsClient c = connect(node, "auth-victim")) {
            // A token for someone else, with more rights: refused, and the connection keeps its own rights.
            String other = fx.token("auth-intruder", "admin", Map.of());
            c.send("{\"type\":\"auth\",\"token\":\"" + other + "\",\"ref\":\"a2\"}");
            JsonNode err = assertError(next(c), "UNAUTHORIZED");
            assertThat(err.path("ref").asText()).isEqualTo("a2");
            assertStillWorks(c);
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_admin\",\"ref\":\"f\"}");
            assertThat(assertError(next(c), "FORBIDDEN").path("ref").asText()).isEqualTo("f");
        }
    }

    @Test
    void authWithGarbageIsRefusedAndTheConnectionStaysOpen() {
        try (WsClient c = connect(node, "auth-garbage")) {
            c.send("{\"type\":\"auth\",\"token\":\"not.a.jwt\",\"ref\":\"a3\"}");
            assertThat(assertError(next(c), "UNAUTHORIZED").path("ref").asText()).isEqualTo("a3");
            c.send("{\"type\":\"auth\",\"token\":\"" + wrongSignature("auth-garbage") + "\",\"ref\":\"a4\"}");
            assertThat(assertError(next(c), "UNAUTHORIZED").path("ref").asText()).isEqualTo("a4");
            assertStillWorks(c);
        }
    }

    // ---------------------------------------------------------------- tokens at connect

    static Stream<Arguments> badTokens() {
        long past = Instant.now().minusSeconds(3600).getEpochSecond();
        return Stream.of(
                Arguments.of("malformed", "not-a-jwt"),
                Arguments.of("three garbage parts", "aaa.bbb.ccc"),
                Arguments.of("expired", fx.token("late", "authenticated", Map.of("exp", past))),
                Arguments.of("wrong signature", wrongSignature("forger")),
                Arguments.of("alg none", algNone("nobody")),
                Arguments.of("no exp", JwtIssuer.hs256(GatewayFixture.SECRET).sign(Map.of("sub", "forever"))));
    }

    @ParameterizedTest(name = "{0} via ?token=")
    @MethodSource("badTokens")
    void aBadTokenInTheQueryIsRefusedWith4001(String what, String token) {
        assertRefused(WsClient.connect(GatewayFixture.wsUrl(node), token));
    }

    @ParameterizedTest(name = "{0} via Authorization header")
    @MethodSource("badTokens")
    void aBadTokenInTheHeaderIsRefusedWith4001(String what, String token) {
        assertRefused(WsClient.connectWithHeader(GatewayFixture.wsUrl(node), token));
    }

    @Test
    void noTokenAtAllIsRefusedWith4001() {
        assertRefused(WsClient.connect(GatewayFixture.wsUrl(node), null));
    }

    @Test
    void aGoodTokenInTheHeaderIsAccepted() {
        try (WsClient c = WsClient.connectWithHeader(GatewayFixture.wsUrl(node), fx.token("header-user"))) {
            assertStillWorks(c);
        }
    }

    private static void assertRefused(WsClient c) {
        try (c) {
            JsonNode first = next(c);
            assertThat(first.toString())
                    .isEqualTo("{\"type\":\"error\",\"code\":\"UNAUTHORIZED\",\"message\":\"Invalid or expired token\"}");
            assertThat(c.awaitClose(WAIT)).isEqualTo(4001);
            assertThat(c.closeReason()).isEqualTo("UNAUTHORIZED");
        }
    }

    // ---------------------------------------------------------------- token expiry while connected

    @Test
    void aTokenThatRunsOutClosesTheConnectionWithTokenExpired() {
        long exp = Instant.now().plusSeconds(3).getEpochSecond();
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node),
                fx.token("expiring", "authenticated", Map.of("exp", exp)))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events\",\"ref\":\"1\"}");
            assertThat(next(c).path("status").asText()).isEqualTo("subscribed");
            JsonNode err = assertError(c.awaitType("error"), "TOKEN_EXPIRED");
            assertThat(Instant.now().getEpochSecond()).as("not before exp").isGreaterThanOrEqualTo(exp);
            assertThat(err.has("ref")).isFalse();
            assertThat(c.awaitClose(WAIT)).isEqualTo(4003);
            assertThat(c.closeReason()).isEqualTo("TOKEN_EXPIRED");
        }
    }

    @Test
    void aConnectionThatRefreshesItsTokenInTimeStaysOpenPastTheFirstExpiry() throws InterruptedException {
        long exp = Instant.now().plusSeconds(3).getEpochSecond();
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node),
                fx.token("refresher", "authenticated", Map.of("exp", exp)));
             WsClient lapsing = WsClient.connect(GatewayFixture.wsUrl(node),
                     fx.token("lapsing", "authenticated", Map.of("exp", exp)))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events\"}");
            assertThat(next(c).path("status").asText()).isEqualTo("subscribed");
            c.send("{\"type\":\"auth\",\"token\":\"" + fx.token("refresher") + "\",\"ref\":\"renew\"}");
            JsonNode ack = next(c);
            assertThat(ack.path("type").asText()).isEqualTo("ack");
            assertThat(ack.path("ref").asText()).isEqualTo("renew");

            // The control connection (same exp, no refresh) is closed: the first exp has passed.
            assertThat(lapsing.awaitClose(WAIT)).isEqualTo(4003);
            long waitMs = (exp + 2) * 1000 - System.currentTimeMillis();
            if (waitMs > 0) {
                Thread.sleep(waitMs);
            }
            assertThat(c.isClosed()).isFalse();
            int id = insertEvent();
            List<JsonNode> got = c.changes(EVENTS, 1, WAIT);
            assertThat(got.get(0).get("payload").get("record").get("id").asInt()).isEqualTo(id);
            c.send("{\"type\":\"ping\",\"ref\":\"alive\"}");
            List<JsonNode> rest = new ArrayList<>();
            JsonNode pong = c.await(m -> {
                rest.add(m);
                return "pong".equals(m.path("type").asText());
            }, WAIT);
            assertThat(pong.path("ref").asText()).isEqualTo("alive");
            assertThat(rest).noneMatch(m -> "error".equals(m.path("type").asText()));
        }
    }

    // ---------------------------------------------------------------- permissions and channels

    @Test
    void aTableForAdminsIsForbiddenToOthersAndOpenToAdmins() {
        try (WsClient user = connect(node, "plain-user");
             WsClient member = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("member-user", "member", Map.of()));
             WsClient admin = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("boss", "admin", Map.of()));
             WsClient multi = WsClient.connect(GatewayFixture.wsUrl(node),
                     fx.token("multi", null, Map.of("roles", List.of("editor", "admin"))))) {
            for (WsClient c : List.of(user, member)) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_admin\",\"ref\":\"f1\"}");
                JsonNode err = assertError(next(c), "FORBIDDEN");
                assertThat(err.path("ref").asText()).isEqualTo("f1");
                assertThat(err.path("channel").asText()).isEqualTo("table:public.pe_admin");
                assertStillWorks(c);
            }
            for (WsClient c : List.of(admin, multi)) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_admin\",\"ref\":\"f2\"}");
                assertThat(next(c).toString()).isEqualTo(
                        "{\"type\":\"ack\",\"channel\":\"table:public.pe_admin\",\"status\":\"subscribed\",\"ref\":\"f2\"}");
            }
            fx.db.execute("INSERT INTO public.pe_admin VALUES (1, 100000)");
            assertThat(admin.changes("table:public.pe_admin", 1, WAIT).get(0).get("payload").get("record").get("salary")
                    .asInt()).isEqualTo(100000);
            assertThat(multi.changes("table:public.pe_admin", 1, WAIT)).hasSize(1);
            assertThat(user.drain(Duration.ofMillis(500))).noneMatch(m -> m.has("id"));
            assertThat(member.drain(Duration.ofMillis(100))).noneMatch(m -> m.has("id"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nope:x", "table:", "table:a.b.c", "table:public.my table", "table: pe_events",
            "table:public.pe-events", "table:1abc", "users", "broadcast:", "presence:"})
    void anInvalidChannelIsRefusedWithTheChannelEchoed(String channel) {
        try (WsClient c = connect(node, "channel-user")) {
            String quoted = io.pgrealtime.protocol.Json.mapper().valueToTree(channel).toString();
            c.send("{\"type\":\"subscribe\",\"channel\":" + quoted + ",\"ref\":\"ic\"}");
            JsonNode err = assertError(next(c), "INVALID_CHANNEL");
            assertThat(err.path("ref").asText()).isEqualTo("ic");
            assertThat(err.path("channel").asText()).isEqualTo(channel);
            c.send("{\"type\":\"unsubscribe\",\"channel\":" + quoted + ",\"ref\":\"iu\"}");
            err = assertError(next(c), "INVALID_CHANNEL");
            assertThat(err.path("ref").asText()).isEqualTo("iu");
            assertThat(err.path("channel").asText()).isEqualTo(channel);
            assertStillWorks(c);
        }
    }

    // ---------------------------------------------------------------- invalid messages

    static Stream<Arguments> invalidMessages() {
        String big = "{\"type\":\"ping\",\"ref\":\"big\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";
        return Stream.of(
                Arguments.of("malformed JSON", "{\"type\":\"ping\"", null),
                Arguments.of("trailing garbage", "{\"type\":\"ping\"} x", null),
                Arguments.of("empty frame", "", null),
                Arguments.of("JSON array", "[{\"type\":\"ping\"}]", null),
                Arguments.of("JSON number", "42", null),
                Arguments.of("JSON string", "\"ping\"", null),
                Arguments.of("unknown type", "{\"type\":\"dance\",\"ref\":\"m1\"}", "m1"),
                Arguments.of("missing type", "{\"channel\":\"table:public.pe_events\",\"ref\":\"m2\"}", "m2"),
                Arguments.of("type not a string", "{\"type\":5,\"ref\":\"m3\"}", "m3"),
                Arguments.of("subscribe without channel", "{\"type\":\"subscribe\",\"ref\":\"m4\"}", "m4"),
                Arguments.of("unsubscribe without channel", "{\"type\":\"unsubscribe\",\"ref\":\"m5\"}", "m5"),
                Arguments.of("subscribe with null channel", "{\"type\":\"subscribe\",\"channel\":null,\"ref\":\"m6\"}", "m6"),
                Arguments.of("auth without token", "{\"type\":\"auth\",\"ref\":\"m7\"}", "m7"),
                Arguments.of("since not an event id",
                        "{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events\",\"since\":\"yesterday\",\"ref\":\"m8\"}",
                        "m8"),
                Arguments.of("text frame over 64 KiB", big, null),
                Arguments.of("binary garbage", null, null));
    }

    /**
     * Above 1 MiB a frame is not read at all (memory protection, see docs/design.md): the
     * connection is closed — deliberately unlike smaller oversize messages, which get
     * INVALID_MESSAGE — and the node goes on serving everyone else.
     */
    @Test
    void aFrameOverOneMebibyteClosesThatConnectionOnly() {
        try (WsClient observer = connect(node, "observer-2");
             WsClient c = connect(node, "huge-sender")) {
            observer.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events\"}");
            assertThat(next(observer).path("status").asText()).isEqualTo("subscribed");
            try {
                c.send("{\"type\":\"ping\",\"pad\":\"" + "y".repeat(2 * 1024 * 1024) + "\"}");
            } catch (RuntimeException expected) {
                // The server may cut the connection while the frame is still being written.
            }
            assertThat(c.awaitClose(Duration.ofSeconds(10))).isIn(1009, 1006, -1);
            fx.db.execute("INSERT INTO public.pe_events (id, body) VALUES (990001, 'after huge frame')");
            assertThat(observer.changes("table:public.pe_events", 1, Duration.ofSeconds(15))).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidMessages")
    void anInvalidMessageIsRefusedAndTheConnectionKeepsWorking(String what, String frame, String ref) {
        try (WsClient observer = connect(node, "observer");
             WsClient c = connect(node, "sender")) {
            observer.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events\"}");
            assertThat(next(observer).path("status").asText()).isEqualTo("subscribed");

            try {
                if (frame == null) {
                    c.sendBinary(new byte[] {(byte) 0xff, 0x00, (byte) 0xc3, 0x28, 0x7b, (byte) 0x80, 0x01});
                } else {
                    c.send(frame);
                }
            } catch (java.util.concurrent.CompletionException e) {
                throw new AssertionError("the server cut the connection while the frame was being sent (close status "
                        + (c.isClosed() ? c.awaitClose(Duration.ZERO) + " '" + c.closeReason() + "'" : "none yet")
                        + "); expected an INVALID_MESSAGE error and an open connection", e);
            }
            JsonNode err = assertError(next(c), "INVALID_MESSAGE");
            if (ref != null) {
                assertThat(err.path("ref").asText()).isEqualTo(ref);
            }
            assertThat(c.drain(Duration.ofMillis(200))).as("exactly one answer").isEmpty();
            assertStillWorks(c);
            int id = insertEvent();
            assertThat(observer.changes(EVENTS, 1, WAIT).get(0).get("payload").get("record").get("id").asInt()).isEqualTo(id);
            assertThat(c.isClosed()).isFalse();
            assertThat(observer.isClosed()).isFalse();
        }
    }

    @Test
    void aFrameOfExactly64KiBIsAcceptedAndOneByteMoreIsNot() {
        try (WsClient c = connect(node, "size-user")) {
            c.send(pingOfSize(64 * 1024, "fits"));
            JsonNode pong = next(c);
            assertThat(pong.path("type").asText()).isEqualTo("pong");
            assertThat(pong.path("ref").asText()).isEqualTo("fits");
            c.send(pingOfSize(64 * 1024 + 1, "over"));
            assertError(next(c), "INVALID_MESSAGE");
            assertStillWorks(c);
        }
    }

    private static String pingOfSize(int bytes, String ref) {
        String head = "{\"type\":\"ping\",\"ref\":\"" + ref + "\",\"pad\":\"";
        String tail = "\"}";
        String s = head + "x".repeat(bytes - head.length() - tail.length()) + tail;
        assertThat(s.getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
        return s;
    }

    // ---------------------------------------------------------------- filters

    static Stream<Arguments> invalidFilters() {
        return Stream.of(
                Arguments.of("unknown column", "{\"nope\":1}", Map.of("nope", "UNKNOWN_FIELD")),
                Arguments.of("unknown operator", "{\"id\":{\"foo\":1}}", Map.of("id.foo", "UNSUPPORTED_OPERATOR")),
                Arguments.of("like on an integer", "{\"id\":{\"like\":\"1%\"}}", Map.of("id.like", "UNSUPPORTED_OPERATOR")),
                Arguments.of("unknown logical operator", "{\"$not\":[{\"id\":1}]}", Map.of("$not", "UNSUPPORTED_OPERATOR")),
                Arguments.of("text for an integer", "{\"id\":{\"gt\":\"abc\"}}", Map.of("id.gt", "INVALID_VALUE")),
                Arguments.of("bad element of in", "{\"id\":{\"in\":[1,\"x\"]}}", Map.of("id.in[1]", "INVALID_VALUE")),
                Arguments.of("between with one value", "{\"id\":{\"between\":[1]}}", Map.of("id.between", "INVALID_VALUE")),
                Arguments.of("is true on text", "{\"body\":{\"is\":true}}", Map.of("body.is", "INVALID_VALUE")),
                Arguments.of("three problems at once", "{\"nope\":1,\"id\":{\"gt\":\"abc\"},\"body\":{\"gte\":\"a\",\"is\":false}}",
                        Map.of("nope", "UNKNOWN_FIELD", "id.gt", "INVALID_VALUE", "body.is", "INVALID_VALUE")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFilters")
    void anInvalidFilterIsRefusedWithDetailsPerField(String what, String filter, Map<String, String> expected) {
        try (WsClient c = connect(node, "filter-user")) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events\",\"filter\":" + filter + ",\"ref\":\"if\"}");
            JsonNode err = assertError(next(c), "INVALID_FILTERS");
            assertThat(err.path("ref").asText()).isEqualTo("if");
            assertThat(err.path("channel").asText()).isEqualTo(EVENTS);
            // details: an object keyed by field (column), as seed 003's clients read it (details.<field>.code).
            assertThat(err.path("details").isObject()).as("%s", err).isTrue();
            Map<String, String> details = new HashMap<>();
            err.path("details").properties().forEach(entry -> {
                JsonNode d = entry.getValue();
                assertThat(d.path("message").asText()).isNotBlank();
                assertThat(entry.getKey()).isEqualTo(FilterError.keyOf(d.path("field").asText()));
                details.put(d.path("field").asText(), d.path("code").asText());
            });
            assertThat(details).isEqualTo(expected);
            assertThat(err.path("details")).hasSize(expected.size());
            // Nothing was subscribed.
            int id = insertEvent();
            c.send("{\"type\":\"ping\",\"ref\":\"after\"}");
            assertThat(c.drain(Duration.ofMillis(800))).noneMatch(m -> m.has("id"))
                    .anyMatch(m -> "pong".equals(m.path("type").asText()));
            assertThat(id).isPositive();
        }
    }

    // ---------------------------------------------------------------- subscription failures and limits

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"table:public.pe_plain", "table:public.no_such_table", "table:other.pe_events"})
    void aTableWithoutRealtimeFailsToSubscribe(String channel) {
        try (WsClient c = connect(node, "sf-user")) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"ref\":\"sf\"}");
            JsonNode err = assertError(next(c), "SUBSCRIPTION_FAILED");
            assertThat(err.path("ref").asText()).isEqualTo("sf");
            assertThat(err.path("channel").asText()).isEqualTo(channel);
            assertStillWorks(c);
        }
    }

    @Test
    void theThirdSubscriptionIsOverTheLimitOfTwo() {
        try (WsClient c = connect(limits, "limit-user")) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events\",\"ref\":\"l1\"}");
            assertThat(next(c).path("status").asText()).isEqualTo("subscribed");
            c.send("{\"type\":\"subscribe\",\"channel\":\"broadcast:pe-limits\",\"ref\":\"l2\"}");
            assertThat(next(c).path("status").asText()).isEqualTo("subscribed");

            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events2\",\"ref\":\"l3\"}");
            JsonNode err = assertError(next(c), "SUBSCRIPTION_LIMIT_EXCEEDED");
            assertThat(err.path("ref").asText()).isEqualTo("l3");
            assertThat(err.path("channel").asText()).isEqualTo("table:public.pe_events2");
            c.send("{\"type\":\"subscribe\",\"channel\":\"broadcast:pe-limits-2\",\"ref\":\"l4\"}");
            err = assertError(next(c), "SUBSCRIPTION_LIMIT_EXCEEDED");
            assertThat(err.path("ref").asText()).isEqualTo("l4");
            assertThat(err.path("channel").asText()).isEqualTo("broadcast:pe-limits-2");

            // The refused subscription does not exist; the two others still work.
            fx.db.execute("INSERT INTO public.pe_events2 VALUES (" + ids.incrementAndGet() + ", 'x')");
            int id = insertEvent();
            List<JsonNode> got = c.changes(EVENTS, 1, WAIT);
            assertThat(got.get(0).get("payload").get("record").get("id").asInt()).isEqualTo(id);
            assertThat(c.drain(Duration.ofMillis(500))).noneMatch(m -> m.has("id"));

            // Freeing a slot makes room.
            c.send("{\"type\":\"unsubscribe\",\"channel\":\"broadcast:pe-limits\",\"ref\":\"l5\"}");
            assertThat(next(c).path("status").asText()).isEqualTo("unsubscribed");
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events2\",\"ref\":\"l6\"}");
            JsonNode ack = next(c);
            assertThat(ack.path("status").asText()).isEqualTo("subscribed");
            assertThat(ack.path("ref").asText()).isEqualTo("l6");
            assertStillWorks(c);
        }
    }

    @Test
    void theThirdConnectionOfAUserIsOverTheLimitOfTwo() {
        try (WsClient a = connect(limits, "conn-user");
             WsClient b = connect(limits, "conn-user")) {
            assertStillWorks(a);
            assertStillWorks(b);
            try (WsClient c = connect(limits, "conn-user")) {
                assertError(next(c), "CONNECTION_LIMIT_EXCEEDED");
                assertThat(c.awaitClose(WAIT)).isEqualTo(4029);
                assertThat(c.closeReason()).isEqualTo("CONNECTION_LIMIT_EXCEEDED");
            }
            try (WsClient other = connect(limits, "conn-other-user")) {
                assertStillWorks(other);
            }
            assertStillWorks(a);
            assertStillWorks(b);
            a.close();
            // The slot is returned when the connection closes.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                try (WsClient d = connect(limits, "conn-user")) {
                    JsonNode first;
                    d.send("{\"type\":\"ping\",\"ref\":\"d\"}");
                    first = next(d);
                    assertThat(first.path("type").asText()).as("%s", first).isEqualTo("pong");
                }
            });
        }
    }

    @Test
    void theSixthMessageInAMinuteIsRateLimitedAndDropped() {
        Gateway gw = GatewayFixture.gateway(rate);
        try (WsClient c = connect(rate, "rate-user")) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events\",\"ref\":\"r1\"}");
            assertThat(next(c).path("ref").asText()).isEqualTo("r1");
            for (int i = 2; i <= 5; i++) {
                c.send("{\"type\":\"ping\",\"ref\":\"r" + i + "\"}");
                JsonNode pong = next(c);
                assertThat(pong.path("type").asText()).isEqualTo("pong");
                assertThat(pong.path("ref").asText()).isEqualTo("r" + i);
            }
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events2\",\"ref\":\"r6\"}");
            assertError(next(c), "RATE_LIMITED");
            assertThat(c.drain(Duration.ofMillis(500))).as("the refused message had no effect").isEmpty();
            assertThat(gw.tables().subscriptionCount()).isEqualTo(1);

            // Still connected and still subscribed.
            int id = insertEvent();
            assertThat(c.changes(EVENTS, 1, WAIT).get(0).get("payload").get("record").get("id").asInt()).isEqualTo(id);
            assertThat(c.isClosed()).isFalse();
        }
    }


    // ---------------------------------------------------------------- subscription bookkeeping

    @Test
    void subscribingAgainToTheSameChannelReplacesTheSubscriptionWithoutDuplicates() {
        try (WsClient c = connect(node, "resub-user")) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events2\",\"ref\":\"r1\"}");
            assertThat(next(c).path("ref").asText()).isEqualTo("r1");
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_events2\",\"filter\":{\"body\":\"keep\"},\"ref\":\"r2\"}");
            assertThat(next(c).path("ref").asText()).isEqualTo("r2");
            int base = ids.addAndGet(3);
            fx.db.execute("INSERT INTO public.pe_events2 VALUES (" + (base - 2) + ", 'drop'), (" + (base - 1) + ", 'keep')",
                    "INSERT INTO public.pe_events2 VALUES (" + base + ", 'keep')");
            List<JsonNode> got = c.changes("table:public.pe_events2", 2, WAIT);
            assertThat(got).extracting(m -> m.get("payload").get("record").get("id").asInt()).containsExactly(base - 1, base);
            assertThat(c.drain(Duration.ofMillis(500))).noneMatch(m -> m.has("id"));
        }
    }

    @Test
    void anUnsubscribeRightAfterASubscribeLeavesNoSubscriptionBehind() {
        Gateway gw = GatewayFixture.gateway(race);
        for (int i = 1; i <= RACE_TABLES / 2; i++) {
            String channel = "table:public.pe_race" + i;
            int before = gw.tables().subscriptionCount();
            try (WsClient c = connect(race, "race-user")) {
                // Both frames in one go: the unsubscribe is handled while the subscribe may still be completing.
                c.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"ref\":\"s\"}");
                c.send("{\"type\":\"unsubscribe\",\"channel\":\"" + channel + "\",\"ref\":\"u\"}");
                List<String> acks = new ArrayList<>();
                acks.add(c.awaitType("ack").path("ref").asText());
                acks.add(c.awaitType("ack").path("ref").asText());
                fx.db.execute("INSERT INTO public.pe_race" + i + " VALUES (" + ids.incrementAndGet() + ")");
                assertThat(c.drain(Duration.ofMillis(1500))).as("no event after the unsubscribe ack").noneMatch(m -> m.has("id"));
                assertThat(gw.tables().subscriptionCount()).as("subscriptions on the node").isEqualTo(before);
                assertThat(acks).as("acks in the order of the requests").containsExactly("s", "u");
            }
        }
    }

    @Test
    void aConnectionThatClosesRightAfterSubscribingLeavesNoSubscriptionBehind() {
        Gateway gw = GatewayFixture.gateway(race);
        for (int i = RACE_TABLES / 2 + 1; i <= RACE_TABLES; i++) {
            int before = gw.tables().subscriptionCount();
            long connections = gw.metrics().connections();
            WsClient c = connect(race, "race-closer");
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.pe_race" + i + "\"}");
            c.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> gw.metrics().connections() == connections);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(gw.tables().subscriptionCount()).as("subscriptions on the node")
                            .isEqualTo(before));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static WsClient connect(EmbeddedServer n, String user) {
        return WsClient.connect(GatewayFixture.wsUrl(n), fx.token(user));
    }

    /** The very next message, whatever it is. */
    private static JsonNode next(WsClient c) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return c.await(m -> true, Duration.ofMillis(200));
            } catch (AssertionError e) {
                if (c.isClosed()) {
                    throw new AssertionError("no message; the connection was closed with status "
                            + c.awaitClose(Duration.ZERO) + " reason '" + c.closeReason() + "'");
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no message within " + WAIT);
                }
            }
        }
    }

    /** Asserts an error message of this code without internals (stack traces, exception class names). */
    private static JsonNode assertError(JsonNode m, String code) {
        assertThat(m.path("type").asText()).as("message %s", m).isEqualTo("error");
        assertThat(m.path("code").asText()).as("message %s", m).isEqualTo(code);
        assertThat(m.path("message").asText()).isNotBlank();
        String text = m.toString();
        assertThat(text).doesNotContain("Exception").doesNotContain("at io.").doesNotContain("\\tat ")
                .doesNotContain("java.").doesNotContain("io.pgrealtime").doesNotContain("com.fasterxml");
        return m;
    }

    /** A ping on the connection gets its pong. */
    private static void assertStillWorks(WsClient c) {
        String ref = "alive-" + ids.incrementAndGet();
        c.send("{\"type\":\"ping\",\"ref\":\"" + ref + "\"}");
        JsonNode pong = c.await(m -> "pong".equals(m.path("type").asText()), WAIT);
        assertThat(pong.path("ref").asText()).isEqualTo(ref);
        assertThat(c.isClosed()).isFalse();
    }

    private static int insertEvent() {
        int id = ids.incrementAndGet();
        fx.db.execute("INSERT INTO public.pe_events VALUES (" + id + ", 'e" + id + "')");
        return id;
    }

    private static String wrongSignature(String sub) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", sub);
        claims.put("role", "authenticated");
        claims.put("exp", Instant.now().plusSeconds(3600).getEpochSecond());
        return JwtIssuer.hs256("another-secret-that-is-at-least-32-bytes-long").sign(claims);
    }

    private static String algNone(String sub) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"sub\":\"" + sub + "\",\"role\":\"admin\",\"exp\":"
                + Instant.now().plusSeconds(3600).getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }
}
