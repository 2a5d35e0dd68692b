package io.pgrealtime.gateway.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.gateway.Gateway;
import io.pgrealtime.gateway.GatewayFixture;
import io.pgrealtime.gateway.WsClient;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10, "one policy, every transport": the same scenarios through the raw WebSocket and
 * Socket.IO, each written once against {@link Client}, expecting the same outcome in each
 * transport's vocabulary (raw error {@code code} / close status; Socket.IO ack
 * {@code error.code}, {@code subscription.error}, disconnect). Then the Socket.IO-only rules:
 * CONNECT timeout, unsubscribe by id, the 101st subscription, an expired token at CONNECT.
 */
@RealtimeIntegrationTest
class PolicyContractIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static GatewayFixture fx;
    /** No clock skew (short-lived tokens), a rate high enough for 100 subscribes. */
    private static EmbeddedServer main;
    private static EmbeddedServer rate;
    /** Small caps, and a 1 s CONNECT timeout. */
    private static EmbeddedServer caps;
    private static final AtomicInteger users = new AtomicInteger();

    enum Transport { RAW, SOCKET_IO }

    @BeforeAll
    static void start(TestDatabase db, TestRedis redis) {
        fx = new GatewayFixture(db, redis);
        main = fx.startNode("pc-main", Map.of("gateway.jwt-clock-skew", "0s", "gateway.messages-per-minute", 10_000));
        rate = fx.startNode("pc-rate", Map.of("gateway.messages-per-minute", 5));
        caps = fx.startNode("pc-caps", Map.of("gateway.subscriptions-per-connection", 3,
                "gateway.rooms-per-connection", 2, "gateway.socket-connect-timeout", "1s"));
        for (int i = 1; i <= 4; i++) {
            fx.createAndEnable("CREATE TABLE public.pc_t" + i + " (id int PRIMARY KEY)", "public.pc_t" + i, "", main, caps);
        }
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    // ------------------------------------------------------------------ the transport adapter

    /** One client connection; every request answers "ok" or the error code the client was given. */
    interface Client extends AutoCloseable {
        String subscribeTable(String table);

        /** Raw: {@code broadcast:{room}}; Socket.IO: {@code room:join}. */
        String joinRoom(String room);

        /** Raw: {@code presence:{room}} with a state; Socket.IO: {@code room:join} with a state. */
        String joinWithState(String room, JsonNode state);

        /** Raw: {@code broadcast} with a ref; Socket.IO: {@code room:message} with an ack. */
        String sendToRoom(String room, String payloadText);

        /** A cheap request (raw: ping; Socket.IO: room:leave of a room it is not in). */
        String ping();

        /** In-band token refresh. */
        String refresh(String token);

        /** The code of the error that precedes the server's close; asserts the connection then ends. */
        String awaitClosingError(Duration timeout);

        boolean isOpen();

        /** The code this transport uses for a refusal named {@code rawCode} in protocol.md §1. */
        String code(String rawCode);

        @Override
        void close();
    }

    static Client connect(Transport t, EmbeddedServer node, String token) {
        return t == Transport.RAW ? new Raw(WsClient.connect(GatewayFixture.wsUrl(node), token)) : new Sio(node, token);
    }

    static final class Raw implements Client {
        private final WsClient c;
        private final AtomicInteger refs = new AtomicInteger();

        Raw(WsClient c) {
            this.c = c;
        }

        private String request(String json) {
            String ref = "r" + refs.incrementAndGet();
            c.send(json.substring(0, json.length() - 1) + ",\"ref\":\"" + ref + "\"}");
            // An error that cannot name its ref (an oversize frame, a rate-limited one) has none.
            JsonNode m = c.await(x -> ref.equals(x.path("ref").asText(null))
                    || "error".equals(x.path("type").asText()) && !x.has("ref"), WAIT);
            return "error".equals(m.path("type").asText()) ? m.path("code").asText() : "ok";
        }

        @Override
        public String subscribeTable(String table) {
            return request("{\"type\":\"subscribe\",\"channel\":\"table:public." + table + "\"}");
        }

        @Override
        public String joinRoom(String room) {
            return request("{\"type\":\"subscribe\",\"channel\":\"broadcast:" + room + "\"}");
        }

        @Override
        public String joinWithState(String room, JsonNode state) {
            return request("{\"type\":\"subscribe\",\"channel\":\"presence:" + room + "\",\"state\":" + state + "}");
        }

        @Override
        public String sendToRoom(String room, String payloadText) {
            return request("{\"type\":\"broadcast\",\"channel\":\"broadcast:" + room + "\",\"event\":\"m\",\"payload\":{\"text\":\""
                    + payloadText + "\"}}");
        }

        @Override
        public String ping() {
            return request("{\"type\":\"ping\"}");
        }

        @Override
        public String refresh(String token) {
            return request("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
        }

        @Override
        public String awaitClosingError(Duration timeout) {
            JsonNode err = c.await(m -> "error".equals(m.path("type").asText()), timeout);
            assertThat(c.awaitClose(WAIT)).isEqualTo(4003);
            assertThat(c.closeReason()).isEqualTo(err.path("code").asText());
            return err.path("code").asText();
        }

        @Override
        public boolean isOpen() {
            return !c.isClosed();
        }

        @Override
        public String code(String rawCode) {
            return rawCode;
        }

        @Override
        public void close() {
            c.close();
        }
    }

    static final class Sio implements Client {
        private final SioClient c;

        Sio(EmbeddedServer node, String token) {
            this.c = SioClient.connect(node.getPort(), token, null);
            c.awaitConnected();
        }

        interface Json {
            Object get() throws Exception;
        }

        private static <T> T unchecked(Json f) {
            try {
                @SuppressWarnings("unchecked")
                T t = (T) f.get();
                return t;
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        private String outcome(String event, Json arg) {
            JSONObject ack = c.call(event, unchecked(arg));
            return unchecked(() -> "success".equals(ack.optString("status")) ? "ok" : ack.getJSONObject("error").getString("code"));
        }

        @Override
        public String subscribeTable(String table) {
            return outcome("subscribe", () -> new JSONObject().put("collection", table));
        }

        @Override
        public String joinRoom(String room) {
            return outcome("room:join", () -> new JSONObject().put("room", room));
        }

        @Override
        public String joinWithState(String room, JsonNode state) {
            return outcome("room:join", () -> new JSONObject().put("room", room).put("state", new JSONObject(state.toString())));
        }

        @Override
        public String sendToRoom(String room, String payloadText) {
            return outcome("room:message", () -> new JSONObject().put("room", room).put("event", "m")
                    .put("payload", new JSONObject().put("text", payloadText)));
        }

        @Override
        public String ping() {
            return outcome("room:leave", () -> new JSONObject().put("room", "pc-nowhere"));
        }

        @Override
        public String refresh(String token) {
            return outcome("auth", () -> new JSONObject().put("token", token));
        }

        @Override
        public String awaitClosingError(Duration timeout) {
            JSONObject err = c.await("subscription.error", timeout).json();
            String code = unchecked(() -> err.getString("code"));
            try {
                assertThat(c.disconnected.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("io server disconnect");
            } catch (Exception e) {
                throw new AssertionError("not disconnected", e);
            }
            return code;
        }

        @Override
        public boolean isOpen() {
            return c.socket.connected();
        }

        @Override
        public String code(String rawCode) {
            return "FORBIDDEN".equals(rawCode) ? "PERMISSION_DENIED" : rawCode;
        }

        @Override
        public void close() {
            c.close();
        }
    }

    private static String user(Transport t) {
        return "pc-" + t.name().toLowerCase() + "-" + users.incrementAndGet();
    }

    private static String tokenExpiringIn(String user, int seconds) {
        return fx.token(user, "authenticated", Map.of("exp", Instant.now().plusSeconds(seconds).getEpochSecond()));
    }

    private static JsonNode json(String text) {
        try {
            return io.pgrealtime.protocol.Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ the contract, both transports

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aTokenThatRunsOutEndsTheConnectionWithTokenExpired(Transport t) {
        String user = user(t);
        long exp = Instant.now().plusSeconds(3).getEpochSecond();
        try (Client c = connect(t, main, fx.token(user, "authenticated", Map.of("exp", exp)))) {
            assertThat(c.subscribeTable("pc_t1")).isEqualTo("ok");
            assertThat(c.awaitClosingError(WAIT)).isEqualTo("TOKEN_EXPIRED");
            assertThat(Instant.now().getEpochSecond()).as("not before exp").isGreaterThanOrEqualTo(exp);
            assertThat(c.isOpen()).isFalse();
        }
        await().atMost(WAIT).until(() -> GatewayFixture.gateway(main).metrics().connections() == 0);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anInBandRefreshExtendsTheSessionAndAnotherUsersTokenIsRefused(Transport t) throws InterruptedException {
        String user = user(t);
        long exp = Instant.now().plusSeconds(3).getEpochSecond();
        try (Client c = connect(t, main, fx.token(user, "authenticated", Map.of("exp", exp)))) {
            assertThat(c.refresh(fx.token("pc-intruder", "admin", Map.of()))).isEqualTo("UNAUTHORIZED");
            assertThat(c.refresh("not.a.jwt")).isEqualTo("UNAUTHORIZED");
            assertThat(c.refresh(fx.token(user))).isEqualTo("ok");
            Thread.sleep(Math.max(0, (exp + 2) * 1000 - System.currentTimeMillis()));
            assertThat(c.isOpen()).as("open past the first token's exp").isTrue();
            assertThat(c.subscribeTable("pc_t2")).isEqualTo("ok");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theSixthMessageInAMinuteIsRateLimitedAndDropped(Transport t) {
        try (Client c = connect(t, rate, fx.token(user(t)))) {
            for (int i = 1; i <= 5; i++) {
                assertThat(c.ping()).as("message %d", i).isEqualTo("ok");
            }
            assertThat(c.joinRoom("pc-rate-room")).isEqualTo("RATE_LIMITED");
            assertThat(c.isOpen()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aMessageOver64KiBIsInvalidAndTheConnectionStaysUsable(Transport t) {
        try (Client c = connect(t, main, fx.token(user(t)))) {
            assertThat(c.joinRoom("pc-big")).isEqualTo("ok");
            assertThat(c.sendToRoom("pc-big", "x".repeat(65 * 1024))).isEqualTo("INVALID_MESSAGE");
            assertThat(c.sendToRoom("pc-big", "small")).isEqualTo("ok");
            assertThat(c.isOpen()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void tablesAndRoomsShareTheSubscriptionCap(Transport t) {
        try (Client c = connect(t, caps, fx.token(user(t)))) {
            assertThat(c.subscribeTable("pc_t1")).isEqualTo("ok");
            assertThat(c.subscribeTable("pc_t2")).isEqualTo("ok");
            assertThat(c.subscribeTable("pc_t3")).isEqualTo("ok");
            assertThat(c.subscribeTable("pc_t4")).isEqualTo("SUBSCRIPTION_LIMIT_EXCEEDED");
            assertThat(c.joinRoom("pc-cap-room")).isEqualTo("SUBSCRIPTION_LIMIT_EXCEEDED");
            assertThat(c.ping()).isEqualTo("ok");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theThirdRoomIsOverTheRoomCapOfTwo(Transport t) {
        try (Client c = connect(t, caps, fx.token(user(t)))) {
            assertThat(c.joinRoom("pc-r1")).isEqualTo("ok");
            assertThat(c.joinWithState("pc-r2", json("{\"a\":1}"))).isEqualTo("ok");
            assertThat(c.joinRoom("pc-r2")).as("a room already joined").isEqualTo("ok");
            assertThat(c.joinRoom("pc-r3")).isEqualTo("SUBSCRIPTION_LIMIT_EXCEEDED");
            assertThat(c.subscribeTable("pc_t1")).as("a table still fits the total of 3").isEqualTo("ok");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aPresenceStateOver4KiBIsInvalid(Transport t) {
        try (Client c = connect(t, main, fx.token(user(t)))) {
            JsonNode big = json("{\"name\":\"" + "x".repeat(5000) + "\"}");
            assertThat(c.joinWithState("pc-presence", big)).isEqualTo("INVALID_MESSAGE");
            assertThat(c.joinWithState("pc-presence", json("{\"name\":\"Ann\"}"))).isEqualTo("ok");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void reservedAndOtherUsersRoomsAreForbidden(Transport t) {
        try (Client c = connect(t, main, fx.token(user(t)))) {
            String forbidden = c.code("FORBIDDEN");
            assertThat(c.joinRoom("user:someone-else")).isEqualTo(forbidden);
            assertThat(c.joinRoom("__all__")).isEqualTo(forbidden);
            assertThat(c.sendToRoom("__all__", "hi")).isEqualTo(forbidden);
            assertThat(c.joinRoom("pc-open")).isEqualTo("ok");
        }
    }

    // ------------------------------------------------------------------ Socket.IO only

    @Test
    void anEngineIoSessionWithoutConnectIsClosedAfterTheTimeoutAndNeverCounted() throws Exception {
        Gateway gw = GatewayFixture.gateway(caps);
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + caps.getPort() + "/socket.io/?EIO=4&transport=polling";
        List<String> sids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String open = http.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(open).startsWith("0{");
            sids.add(json(open.substring(1)).get("sid").asText());
        }
        assertThat(gw.metrics().connections()).as("not counted before CONNECT").isZero();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (String sid : sids) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "&sid=" + sid)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("session %s is gone", sid).isEqualTo(400);
            }
        });
        assertThat(gw.openConnections()).isZero();
        assertThat(gw.metrics().connections()).isZero();
    }

    @Test
    void theConnectionsGaugeCountsAuthenticatedSocketsAndReturnsToZero() throws Exception {
        Gateway gw = GatewayFixture.gateway(caps);
        try (SioClient c = SioClient.connect(caps.getPort(), fx.token("pc-gauge"), null)) {
            c.awaitConnected();
            await().atMost(WAIT).until(() -> gw.metrics().connections() == 1);
        }
        await().atMost(WAIT).until(() -> gw.metrics().connections() == 0);
        try (SioClient bad = SioClient.connect(caps.getPort(), "not-a-token", null)) {
            bad.connectError.join();
            assertThat(gw.metrics().connections()).isZero();
        }
    }

    @Test
    void unsubscribeByIdWorksAfterTwoSubscribes() throws Exception {
        try (SioClient c = SioClient.connect(main.getPort(), fx.token("pc-ids"), null)) {
            c.awaitConnected();
            JSONObject first = c.call("subscribe", new JSONObject().put("collection", "pc_t1"));
            JSONObject second = c.call("subscribe", new JSONObject().put("resource", "pc_t1"));
            JSONObject third = c.call("subscribe", new JSONObject().put("collection", "pc_t2"));
            List<String> ids = List.of(first.getString("subscriptionId"), second.getString("subscriptionId"),
                    third.getString("subscriptionId"));
            assertThat(ids).doesNotHaveDuplicates();
            for (String id : ids) {
                assertThat(c.call("unsubscribe", new JSONObject().put("subscriptionId", id)).getString("status"))
                        .as("unsubscribe %s", id).isEqualTo("success");
            }
            JSONObject again = c.call("unsubscribe", new JSONObject().put("subscriptionId", ids.get(0)));
            assertThat(again.getJSONObject("error").getString("code")).isEqualTo("SUBSCRIPTION_FAILED");
        }
    }

    @Test
    void theHundredAndFirstSubscriptionIsRefused() throws Exception {
        try (SioClient c = SioClient.connect(main.getPort(), fx.token("pc-hundred"), null)) {
            c.awaitConnected();
            for (int i = 1; i <= 100; i++) {
                JSONObject ack = c.call("subscribe", new JSONObject().put("collection", "pc_t" + (1 + i % 4)));
                assertThat(ack.getString("status")).as("subscription %d: %s", i, ack).isEqualTo("success");
            }
            JSONObject over = c.call("subscribe", new JSONObject().put("collection", "pc_t1"));
            assertThat(over.getJSONObject("error").getString("code")).isEqualTo("SUBSCRIPTION_LIMIT_EXCEEDED");
        }
    }

    @Test
    void anExpiredTokenAtConnectIsUnauthorized() throws Exception {
        String expired = fx.token("pc-late", "authenticated", Map.of("exp", Instant.now().minusSeconds(3600).getEpochSecond()));
        try (SioClient c = SioClient.connect(main.getPort(), expired, null)) {
            JSONObject data = (JSONObject) c.connectError.get(10, TimeUnit.SECONDS);
            assertThat(data.getString("message")).isEqualTo("UNAUTHORIZED");
            assertThat(data.getJSONObject("data").getString("code")).isEqualTo("UNAUTHORIZED");
        }
    }
}
