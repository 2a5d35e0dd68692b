package io.pgrealtime.gateway.socketio;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.gateway.GatewayFixture;
import io.pgrealtime.gateway.GatewayService;
import io.pgrealtime.gateway.WsClient;
import io.pgrealtime.gateway.api.RealtimeServer;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import io.socket.client.Socket;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Socket.IO v5 with the Java client over polling, websocket, and the upgrade, for every event row of §2. */
@RealtimeIntegrationTest
class SocketIoIT {
    private static GatewayFixture fx;
    private static EmbeddedServer a;
    private static EmbeddedServer b;

    @BeforeAll
    static void start(TestDatabase db, TestRedis redis) {
        fx = new GatewayFixture(db, redis);
        a = fx.startNode("sio-a");
        b = fx.startNode("sio-b");
        fx.createAndEnable("CREATE TABLE public.posts (id int PRIMARY KEY, title text, status text)", "public.posts",
                "replica_identity_full => true", a, b);
        RealtimeServer api = a.getApplicationContext().getBean(GatewayService.class).api();
        api.registerMessageHandler("sum", (who, socketId, payload) ->
                JsonNodeFactory.instance.numberNode(payload.get("a").asInt() + payload.get("b").asInt()));
        api.registerRoomValidator("vip:", (who, room) -> who.roles().contains("vip"));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    static Stream<Arguments> transports() {
        return Stream.of(Arguments.of("polling then upgrade", (Object) null),
                Arguments.of("websocket only", (Object) new String[] {"websocket"}),
                Arguments.of("polling only", (Object) new String[] {"polling"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void connectSubscribeAndReceiveCollectionEvents(String name, String[] transports) throws Exception {
        try (SioClient c = SioClient.connect(a.getPort(), fx.token("reader-" + name.length()), transports)) {
            c.awaitConnected();
            JSONObject hello = c.await("connected").json();
            assertThat(hello.getString("userId")).isEqualTo("reader-" + name.length());
            assertThat(hello.getString("socketId")).isNotBlank();

            JSONObject ack = c.call("subscribe", new JSONObject().put("collection", "posts")
                    .put("filters", new JSONObject().put("status", "published")));
            assertThat(ack.getString("status")).isEqualTo("success");
            assertThat(ack.getString("collection")).isEqualTo("posts");
            assertThat(ack.getJSONObject("data").getString("subscriptionId")).isEqualTo(ack.getString("subscriptionId"));

            int base = 100 * name.length();
            fx.db.execute("INSERT INTO public.posts VALUES (" + base + ", 'draft', 'draft')",
                    "INSERT INTO public.posts VALUES (" + (base + 1) + ", 'hello', 'published')",
                    "UPDATE public.posts SET title = 'hello!' WHERE id = " + (base + 1),
                    "DELETE FROM public.posts WHERE id = " + (base + 1));
            JSONObject insert = c.await("posts:insert").json();
            assertThat(insert.getString("action")).isEqualTo("insert");
            assertThat(insert.getString("collection")).isEqualTo("posts");
            assertThat(insert.getJSONObject("data").getInt("id")).isEqualTo(base + 1);
            assertThat(insert.getString("timestamp")).endsWith("Z");
            assertThat(insert.getString("id")).matches("\\d+-\\d+");
            JSONObject update = c.await("posts:update").json();
            assertThat(update.getJSONObject("data").getString("title")).isEqualTo("hello!");
            assertThat(update.getJSONObject("previous").getString("title")).isEqualTo("hello");
            assertThat(update.getString("view")).isEqualTo("stay");
            JSONObject delete = c.await("posts:delete").json();
            assertThat(delete.getJSONObject("data").getInt("id")).isEqualTo(base + 1);

            assertThat(c.call("unsubscribe", new JSONObject().put("collection", "posts")).getString("status"))
                    .isEqualTo("success");
            if (transports == null) {
                assertThat(c.transports).containsExactly("polling", "websocket");
            }
        }
    }

    @Test
    void aBadTokenGivesConnectErrorUnauthorized() throws Exception {
        try (SioClient c = SioClient.connect(a.getPort(), "not-a-token", null)) {
            Object err = c.connectError.get(10, java.util.concurrent.TimeUnit.SECONDS);
            // The Java client hands over the CONNECT_ERROR data; the JavaScript client makes it err.message.
            JSONObject data = (JSONObject) err;
            assertThat(data.getString("message")).isEqualTo("UNAUTHORIZED");
            assertThat(data.getJSONObject("data").getString("code")).isEqualTo("UNAUTHORIZED");
            assertThat(c.socket.connected()).isFalse();
        }
    }

    @Test
    void subscribeErrorsUseTheAckErrorShape() throws Exception {
        try (SioClient c = SioClient.connect(a.getPort(), fx.token("err"), new String[] {"websocket"})) {
            c.awaitConnected();
            JSONObject notFound = c.call("subscribe", new JSONObject().put("collection", "nope"));
            assertThat(notFound.getString("status")).isEqualTo("error");
            assertThat(notFound.getJSONObject("error").getString("code")).isEqualTo("RESOURCE_NOT_FOUND");
            JSONObject badFilter = c.call("subscribe", new JSONObject().put("collection", "posts")
                    .put("filters", new JSONObject().put("nope", 1)));
            assertThat(badFilter.getJSONObject("error").getString("code")).isEqualTo("INVALID_FILTERS");
            // Keyed by column, as raw and seed 003's client code (error.details.invalid_field.code).
            assertThat(badFilter.getJSONObject("error").getJSONObject("details").getJSONObject("nope").getString("code"))
                    .isEqualTo("UNKNOWN_FIELD");
            JSONObject unknown = c.call("custom", new JSONObject().put("event", "nobody").put("payload", new JSONObject()));
            assertThat(unknown.getJSONObject("error").getString("code")).isEqualTo("UNKNOWN_EVENT");
        }
    }

    @Test
    void resourceSubscriptionsNotifyWithoutRowData() throws Exception {
        try (SioClient c = SioClient.connect(a.getPort(), fx.token("res"), new String[] {"websocket"})) {
            c.awaitConnected();
            JSONObject ack = c.call("subscribe", new JSONObject().put("resource", "posts"));
            String id = ack.getString("subscriptionId");
            JSONObject created = c.await("subscription.created").json();
            assertThat(created.getString("subscriptionId")).isEqualTo(id);
            assertThat(created.getString("resource")).isEqualTo("posts");
            fx.db.execute("INSERT INTO public.posts VALUES (7001, 'secret body', 'x')");
            JSONObject u = c.await("subscription.update").json();
            assertThat(u.getString("type")).isEqualTo("resource.created");
            assertThat(u.getString("action")).isEqualTo("post");
            assertThat(u.getInt("id")).isEqualTo(7001);
            assertThat(u.getString("subscriptionId")).isEqualTo(id);
            assertThat(u.getJSONObject("meta").getString("eventId")).matches("\\d+-\\d+");
            assertThat(u.toString()).doesNotContain("secret body");
        }
    }

    @Test
    void restoreSubscriptionsWithSinceLosesNothing() throws Exception {
        String token = fx.token("restorer");
        String lastId;
        try (SioClient c = SioClient.connect(a.getPort(), token, new String[] {"websocket"})) {
            c.awaitConnected();
            c.call("subscribe", new JSONObject().put("collection", "posts"));
            fx.db.execute("INSERT INTO public.posts VALUES (8000, 'before', 'x')");
            lastId = c.await("posts:insert").json().getString("id");
        }
        fx.db.execute("INSERT INTO public.posts SELECT g, 'missed', 'x' FROM generate_series(8001, 8020) g");
        try (SioClient c = SioClient.connect(b.getPort(), token, new String[] {"websocket"})) {
            c.awaitConnected();
            JSONObject r = c.call("restore-subscriptions", new JSONObject().put("subscriptions", new JSONArray()
                    .put(new JSONObject().put("collection", "posts").put("since", lastId))
                    .put(new JSONObject().put("collection", "missing_table"))));
            assertThat(r.getJSONArray("restored").length()).isEqualTo(1);
            assertThat(r.getJSONArray("restored").getJSONObject(0).getBoolean("recovered")).isTrue();
            assertThat(r.getJSONArray("failed").getJSONObject(0).getJSONObject("error").getString("code"))
                    .isEqualTo("RESOURCE_NOT_FOUND");
            for (int i = 8001; i <= 8020; i++) {
                assertThat(c.await("posts:insert").json().getJSONObject("data").getInt("id")).isEqualTo(i);
            }
        }
    }

    @Test
    void roomsJoinLeaveAndMessagesAcrossNodes() throws Exception {
        try (SioClient ann = SioClient.connect(a.getPort(), fx.token("ann"), null);
             SioClient bob = SioClient.connect(b.getPort(), fx.token("bob"), new String[] {"websocket"})) {
            ann.awaitConnected();
            bob.awaitConnected();
            assertThat(ann.call("room:join", new JSONObject().put("room", "lobby")).getString("room")).isEqualTo("lobby");
            assertThat(bob.call("room:join", new JSONObject().put("room", "lobby")).getString("status")).isEqualTo("success");
            JSONObject joined = ann.await("room:user:joined").json();
            assertThat(joined.getString("userId")).isEqualTo("bob");
            assertThat(joined.getString("room")).isEqualTo("lobby");

            assertThat(bob.call("room:message", new JSONObject().put("room", "lobby").put("event", "chat")
                    .put("payload", new JSONObject().put("text", "hi"))).getString("status")).isEqualTo("success");
            for (SioClient c : new SioClient[] {ann, bob}) {
                JSONObject m = c.await("room:chat").json();
                assertThat(m.getString("room")).isEqualTo("lobby");
                assertThat(m.getJSONObject("sender").getString("userId")).isEqualTo("bob");
                assertThat(m.getJSONObject("payload").getString("text")).isEqualTo("hi");
            }
            RealtimeServer api = a.getApplicationContext().getBean(RealtimeServer.class);
            assertThat(api.getRoomMemberCount("lobby")).isEqualTo(2);
            assertThat(api.roomExists("lobby")).isTrue();
            assertThat(api.getCustomRooms()).containsKey("lobby");

            bob.call("room:leave", new JSONObject().put("room", "lobby"));
            assertThat(ann.await("room:user:left").json().getString("userId")).isEqualTo("bob");

            JSONObject denied = ann.call("room:join", new JSONObject().put("room", "vip:club"));
            assertThat(denied.getJSONObject("error").getString("code")).isEqualTo("PERMISSION_DENIED");
        }
    }

    @Test
    void legacyJoinDirectCustomAndServerApi() throws Exception {
        try (SioClient ann = SioClient.connect(a.getPort(), fx.token("ann2"), new String[] {"websocket"});
             SioClient bob = SioClient.connect(b.getPort(), fx.token("bob2"), new String[] {"websocket"})) {
            ann.awaitConnected();
            bob.awaitConnected();
            String bobSocket = bob.await("connected").json().getString("socketId");
            ann.await("connected");

            CompletableAck legacy = new CompletableAck();
            ann.socket.emit("join", new Object[] {"collection:posts"}, legacy);
            assertThat(legacy.get().getBoolean("success")).isTrue();
            fx.db.execute("INSERT INTO public.posts VALUES (9100, 'legacy', 'x')");
            JSONObject item = ann.await("item.created").json();
            assertThat(item.getString("collection")).isEqualTo("posts");
            assertThat(item.getJSONObject("item").getInt("id")).isEqualTo(9100);

            assertThat(ann.call("direct", new JSONObject().put("socketId", bobSocket).put("event", "poke")
                    .put("payload", new JSONObject().put("n", 1))).getString("status")).isEqualTo("success");
            JSONObject direct = bob.await("direct").json();
            assertThat(direct.getString("event")).isEqualTo("poke");
            assertThat(direct.getJSONObject("from").getString("userId")).isEqualTo("ann2");

            JSONObject sum = ann.call("custom", new JSONObject().put("event", "sum")
                    .put("payload", new JSONObject().put("a", 2).put("b", 3)));
            assertThat(sum.getString("status")).isEqualTo("success");
            assertThat(sum.getInt("result")).isEqualTo(5);

            RealtimeServer api = a.getApplicationContext().getBean(RealtimeServer.class);
            api.sendToUser("bob2", "notice", JsonNodeFactory.instance.objectNode().put("m", "for bob"));
            assertThat(bob.await("notice").json().getString("m")).isEqualTo("for bob");
            api.broadcastToAll("announce", JsonNodeFactory.instance.objectNode().put("m", "all"));
            assertThat(ann.await("announce").json().getString("m")).isEqualTo("all");
            assertThat(bob.await("announce").json().getString("m")).isEqualTo("all");
        }
    }

    @Test
    void rawWebSocketAndSocketIoShareRoomsAndTables() throws Exception {
        try (SioClient sio = SioClient.connect(a.getPort(), fx.token("sio-user"), new String[] {"websocket"});
             WsClient raw = WsClient.connect(GatewayFixture.wsUrl(b), fx.token("raw-user"))) {
            sio.awaitConnected();
            sio.call("room:join", new JSONObject().put("room", "mixed"));
            sio.call("subscribe", new JSONObject().put("collection", "public.posts"));
            raw.send("{\"type\":\"subscribe\",\"channel\":\"broadcast:mixed\"}");
            raw.awaitType("ack");
            raw.send("{\"type\":\"subscribe\",\"channel\":\"table:public.posts\"}");
            raw.awaitType("ack");

            raw.send("{\"type\":\"broadcast\",\"channel\":\"broadcast:mixed\",\"event\":\"hello\",\"payload\":{\"from\":\"raw\"}}");
            JSONObject got = sio.await("room:hello").json();
            assertThat(got.getJSONObject("payload").getString("from")).isEqualTo("raw");
            assertThat(got.getJSONObject("sender").getString("userId")).isEqualTo("raw-user");

            sio.call("room:message", new JSONObject().put("room", "mixed").put("event", "reply")
                    .put("payload", new JSONObject().put("from", "sio")));
            var m = raw.await(x -> "reply".equals(x.path("event").asText()));
            assertThat(m.get("channel").asText()).isEqualTo("broadcast:mixed");
            assertThat(m.get("payload").get("from").asText()).isEqualTo("sio");

            fx.db.execute("INSERT INTO public.posts VALUES (9200, 'both', 'x')");
            assertThat(sio.await("public.posts:insert").json().getJSONObject("data").getInt("id")).isEqualTo(9200);
            assertThat(raw.changes("table:public.posts", 1, Duration.ofSeconds(10)).get(0).get("payload").get("record")
                    .get("id").asInt()).isEqualTo(9200);
        }
    }

    /** An ack callback as a future. */
    static final class CompletableAck extends java.util.concurrent.CompletableFuture<JSONObject> implements io.socket.client.Ack {
        @Override
        public void call(Object... args) {
            complete((JSONObject) args[0]);
        }

        @Override
        public JSONObject get() {
            try {
                return super.get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("no ack", e);
            }
        }
    }

    @SuppressWarnings("unused")
    private static Map<String, Socket> none() {
        return Map.of();
    }
}
