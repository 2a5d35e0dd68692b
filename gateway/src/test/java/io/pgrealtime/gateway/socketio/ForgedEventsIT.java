package io.pgrealtime.gateway.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.gateway.GatewayFixture;
import io.pgrealtime.gateway.GatewayService;
import io.pgrealtime.gateway.WsClient;
import io.pgrealtime.gateway.api.RealtimeServer;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, "No forged events": every route by which a client could make another client receive
 * a server event is tried, on two nodes, and shown refused or delivered only in its safe shape
 * (Socket.IO {@code room:{event}} with {@code sender}, {@code direct} with {@code from}; raw
 * {@code broadcast} with {@code sender}). Room validators are shown to decide raw subscribes and
 * broadcasts as they decide Socket.IO joins.
 *
 * <p>"Nobody received anything" is shown without relying on timing alone: after the attempts the
 * same publisher (same node, so the same ordered broker connection) sends a marker; everything the
 * victim got before the marker is checked by content, then a quiet drain checks what came after.
 */
@RealtimeIntegrationTest
class ForgedEventsIT {
    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Event names of the server that a client must never produce at another client. */
    private static final Set<String> SERVER_EVENTS = Set.of("t_tenant:insert", "connected", "subscription.update",
            "subscription.created", "room:user:joined", "room:user:left", "item.created");
    private static final AtomicInteger IDS = new AtomicInteger();

    private static GatewayFixture fx;
    private static EmbeddedServer a;
    private static EmbeddedServer b;

    @BeforeAll
    static void start(TestDatabase db, TestRedis redis) {
        fx = new GatewayFixture(db, redis);
        a = fx.startNode("forge-a");
        b = fx.startNode("forge-b");
        for (EmbeddedServer n : List.of(a, b)) {
            api(n).registerRoomValidator("vip:", (who, room) -> who.hasRole("vip"));
        }
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static RealtimeServer api(EmbeddedServer node) {
        return node.getApplicationContext().getBean(GatewayService.class).api();
    }

    /** A connected Socket.IO client with the ids the server gave it. */
    private record Sio(SioClient client, String userId, String socketId) implements AutoCloseable {
        JSONObject call(String event, JSONObject arg) {
            return client.call(event, arg);
        }

        @Override
        public void close() {
            client.close();
        }
    }

    private static String unique(String name) {
        return name + "-" + IDS.incrementAndGet();
    }

    private static Sio sio(EmbeddedServer node, String user, String role) throws Exception {
        SioClient c = SioClient.connect(node.getPort(), fx.token(user, role, Map.of()), new String[] {"websocket"});
        c.awaitConnected();
        JSONObject hello = c.await("connected").json();
        return new Sio(c, hello.getString("userId"), hello.getString("socketId"));
    }

    private static Sio sio(EmbeddedServer node, String user) throws Exception {
        return sio(node, user, "authenticated");
    }

    private static WsClient raw(EmbeddedServer node, String user, String role) {
        return WsClient.connect(GatewayFixture.wsUrl(node), fx.token(user, role, Map.of()));
    }

    private static void assertSioError(JSONObject ack, String code) throws Exception {
        assertThat(ack.getString("status")).as("ack %s", ack).isEqualTo("error");
        assertThat(ack.getJSONObject("error").getString("code")).as("ack %s", ack).isEqualTo(code);
    }

    private static void assertSioOk(JSONObject ack) throws Exception {
        assertThat(ack.getString("status")).as("ack %s", ack).isEqualTo("success");
    }

    /** Sends a raw frame with a fresh ref and returns the reply carrying that ref (ack or error). */
    private static JsonNode rawCall(WsClient c, String frameWithoutRef) {
        String ref = "r" + IDS.incrementAndGet();
        c.send(frameWithoutRef.substring(0, frameWithoutRef.length() - 1) + ",\"ref\":\"" + ref + "\"}");
        return c.await(m -> ref.equals(m.path("ref").asText()), WAIT);
    }

    private static void assertRawError(JsonNode reply, String code) {
        assertThat(reply.path("type").asText()).as("reply %s", reply).isEqualTo("error");
        assertThat(reply.path("code").asText()).as("reply %s", reply).isEqualTo(code);
    }

    /** Joins a room and waits for the ack. */
    private static void join(Sio s, String room) throws Exception {
        assertSioOk(s.call("room:join", new JSONObject().put("room", room)));
    }

    private static JSONObject message(String room, String event, JSONObject payload) throws Exception {
        return new JSONObject().put("room", room).put("event", event).put("payload", payload);
    }

    /** Asserts the events hold nothing under a server event name and nothing bare: only the safe shapes. */
    private static void assertOnlySafeShapes(List<SioClient.Event> events, String attacker) throws Exception {
        for (SioClient.Event e : events) {
            assertThat(SERVER_EVENTS).as("server event name in %s", events).doesNotContain(e.name());
            if (e.name().equals("direct")) {
                assertThat(e.json().getJSONObject("from").getString("userId")).isEqualTo(attacker);
            } else {
                assertThat(e.name()).as("events %s", events).startsWith("room:");
                assertThat(e.json().getJSONObject("sender").getString("userId")).isEqualTo(attacker);
            }
        }
    }

    @Test
    void roomMessageToTheAllSocketsRoomIsForbiddenAndReachesNobody() throws Exception {
        String control = unique("control");
        try (Sio mallory = sio(a, unique("mallory"));
             Sio near = sio(a, unique("near"));
             Sio far = sio(b, unique("far"))) {
            join(near, control);
            join(far, control);
            join(mallory, control);
            // Presence announcements travel apart from room messages: take them first, so what
            // follows can be checked exactly.
            near.client().await("room:user:joined");
            near.client().await("room:user:joined");
            far.client().await("room:user:joined");

            JSONObject fakeRow = new JSONObject().put("action", "insert").put("collection", "t_tenant")
                    .put("data", new JSONObject().put("id", 1).put("tenant_id", "victim"));
            assertSioError(mallory.call("room:message", message("__all__", "t_tenant:insert", fakeRow)), "PERMISSION_DENIED");
            assertSioError(mallory.call("room:message", message("__all__", "connected",
                    new JSONObject().put("userId", "admin").put("socketId", "x"))), "PERMISSION_DENIED");
            assertSioError(mallory.call("room:message", message("__all__", "subscription.update",
                    new JSONObject().put("type", "resource.deleted"))), "PERMISSION_DENIED");
            // The other automatic rooms it is a member of: its own user room and socket room.
            assertSioError(mallory.call("room:message", message("user:" + mallory.userId(), "connected",
                    new JSONObject())), "PERMISSION_DENIED");
            assertSioError(mallory.call("room:message", message("socket:" + mallory.socketId(), "connected",
                    new JSONObject())), "PERMISSION_DENIED");

            assertSioOk(mallory.call("room:message", message(control, "marker", new JSONObject())));
            for (Sio victim : List.of(near, far)) {
                List<SioClient.Event> got = victim.client().until(e -> e.name().equals("room:marker"), WAIT);
                assertThat(got).extracting(SioClient.Event::name).as("up to the marker").containsExactly("room:marker");
                assertThat(victim.client().drain(QUIET)).as("after the marker").isEmpty();
            }
        }
    }

    @Test
    void aRoomMessageNamedLikeAServerEventArrivesOnlyAsARoomMessageWithItsSender() throws Exception {
        String room = unique("lobby");
        try (Sio victim = sio(b, unique("victim"));
             WsClient watcher = raw(b, unique("watcher"), "authenticated");
             Sio mallory = sio(a, unique("mallory"))) {
            join(victim, room);
            assertThat(rawCall(watcher, "{\"type\":\"subscribe\",\"channel\":\"broadcast:" + room + "\"}")
                    .path("status").asText()).isEqualTo("subscribed");
            join(mallory, room);
            victim.client().await("room:user:joined");

            JSONObject fakeRow = new JSONObject().put("id", 1).put("tenant_id", "victim");
            assertSioOk(mallory.call("room:message", message(room, "t_tenant:insert", fakeRow)));
            assertSioOk(mallory.call("room:message", message(room, "connected", new JSONObject().put("userId", "admin"))));
            // Names whose room: form is a server event, and the old server marker: refused outright.
            assertSioError(mallory.call("room:message", message(room, "user:joined",
                    new JSONObject().put("userId", "admin"))), "INVALID_MESSAGE");
            assertSioError(mallory.call("room:message", message(room, "user:left", new JSONObject())), "INVALID_MESSAGE");
            assertSioError(mallory.call("room:message", message(room, "!t_tenant:insert", fakeRow)), "INVALID_MESSAGE");
            assertSioOk(mallory.call("room:message", message(room, "marker", new JSONObject())));

            List<SioClient.Event> got = victim.client().until(e -> e.name().equals("room:marker"), WAIT);
            assertOnlySafeShapes(got, mallory.userId());
            assertThat(got).extracting(SioClient.Event::name)
                    .containsExactly("room:t_tenant:insert", "room:connected", "room:marker");
            JSONObject insert = got.get(0).json();
            assertThat(insert.getString("room")).isEqualTo(room);
            assertThat(insert.getString("event")).isEqualTo("t_tenant:insert");
            assertThat(insert.getJSONObject("sender").getString("socketId")).isEqualTo(mallory.socketId());
            assertThat(insert.getJSONObject("payload").getString("tenant_id")).isEqualTo("victim");
            assertThat(victim.client().drain(QUIET)).isEmpty();

            // The raw client in the same room sees the same two messages, each with its sender.
            JsonNode rawInsert = watcher.await(m -> "t_tenant:insert".equals(m.path("event").asText()), WAIT);
            assertThat(rawInsert.path("channel").asText()).isEqualTo("broadcast:" + room);
            assertThat(rawInsert.path("sender").path("user_id").asText()).isEqualTo(mallory.userId());
            assertThat(rawInsert.path("sender").path("id").asText()).isEqualTo(mallory.socketId());
            JsonNode rawConnected = watcher.await(m -> "connected".equals(m.path("event").asText()), WAIT);
            assertThat(rawConnected.path("sender").path("user_id").asText()).isEqualTo(mallory.userId());

            // Raw clients get the same name rules.
            assertRawError(rawCall(watcher, "{\"type\":\"broadcast\",\"channel\":\"broadcast:" + room
                    + "\",\"event\":\"!t_tenant:insert\",\"payload\":{}}"), "INVALID_MESSAGE");
            assertRawError(rawCall(watcher, "{\"type\":\"broadcast\",\"channel\":\"broadcast:" + room
                    + "\",\"event\":\"user:joined\",\"payload\":{}}"), "INVALID_MESSAGE");

            // The server itself still emits bare events to a room; raw clients get them without a sender.
            api(a).broadcastToRoom(room, "t_tenant:insert", JsonNodeFactory.instance.objectNode().put("id", 2));
            assertThat(victim.client().await("t_tenant:insert").json().getInt("id")).isEqualTo(2);
            JsonNode fromServer = watcher.await(m -> "t_tenant:insert".equals(m.path("event").asText()), WAIT);
            assertThat(fromServer.has("sender")).isFalse();
        }
    }

    @Test
    void aDirectMessageArrivesOnlyAsDirectWithFromWhateverItsEventName() throws Exception {
        try (Sio victim = sio(b, unique("victim"));
             Sio mallory = sio(a, unique("mallory"))) {
            JSONObject fakeRow = new JSONObject().put("id", 1).put("tenant_id", "victim");
            assertSioError(mallory.call("direct", new JSONObject().put("socketId", victim.socketId())
                    .put("event", "!t_tenant:insert").put("payload", fakeRow)), "INVALID_MESSAGE");
            assertSioError(mallory.call("direct", new JSONObject().put("socketId", victim.socketId())
                    .put("event", "!x").put("payload", fakeRow)), "INVALID_MESSAGE");
            assertSioOk(mallory.call("direct", new JSONObject().put("socketId", victim.socketId())
                    .put("event", "connected").put("payload", new JSONObject().put("userId", "admin"))));
            assertSioOk(mallory.call("direct", new JSONObject().put("socketId", victim.socketId())
                    .put("event", "t_tenant:insert").put("payload", fakeRow)));
            assertSioOk(mallory.call("direct", new JSONObject().put("socketId", victim.socketId())
                    .put("event", "marker").put("payload", new JSONObject())));

            List<SioClient.Event> got = victim.client().until(
                    e -> e.name().equals("direct") && "marker".equals(e.json().optString("event")), WAIT);
            assertOnlySafeShapes(got, mallory.userId());
            assertThat(got).extracting(SioClient.Event::name).containsOnly("direct");
            assertThat(got).extracting(e -> e.json().optString("event")).containsExactly("connected", "t_tenant:insert", "marker");
            JSONObject connected = got.get(0).json();
            assertThat(connected.getJSONObject("from").getString("socketId")).isEqualTo(mallory.socketId());
            assertThat(connected.getJSONObject("payload").getString("userId")).isEqualTo("admin");
            assertThat(victim.client().drain(QUIET)).isEmpty();
        }
    }

    /**
     * The server's rooms, on both transports: refused for join, subscribe, publish and leave, and
     * nothing reaches the connection that really is in them. {@code SELF}, {@code VICTIM} and
     * {@code VICTIM_SOCKET} are replaced by the attacker's user id, the victim's and the victim's
     * socket id.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"__all__", "__internal", "user:VICTIM", "user:SELF", "socket:VICTIM_SOCKET", "!plain"})
    void theServersRoomsAreNotAddressableOnEitherTransport(String template) throws Exception {
        String mal = unique("mallory");
        try (Sio victim = sio(b, unique("victim"));
             Sio mallory = sio(a, mal);
             WsClient rawMallory = raw(a, mal, "authenticated")) {
            String room = template.replace("VICTIM_SOCKET", victim.socketId()).replace("VICTIM", victim.userId())
                    .replace("SELF", mal);

            // Socket.IO
            assertSioError(mallory.call("room:join", new JSONObject().put("room", room)), "PERMISSION_DENIED");
            SocketIoIT.CompletableAck legacy = new SocketIoIT.CompletableAck();
            mallory.client().socket.emit("join", new Object[] {room}, legacy);
            assertThat(legacy.get().getBoolean("success")).isFalse();
            assertSioError(mallory.call("room:message", message(room, "connected", new JSONObject())), "PERMISSION_DENIED");
            assertSioError(mallory.call("room:leave", new JSONObject().put("room", room)), "PERMISSION_DENIED");

            // Raw WebSocket: the same rooms as broadcast: and presence: channels, FORBIDDEN with ref and channel.
            for (String channel : List.of("broadcast:" + room, "presence:" + room)) {
                JsonNode sub = rawCall(rawMallory, "{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
                assertRawError(sub, "FORBIDDEN");
                assertThat(sub.path("channel").asText()).isEqualTo(channel);
                assertRawError(rawCall(rawMallory, "{\"type\":\"unsubscribe\",\"channel\":\"" + channel + "\"}"), "FORBIDDEN");
            }
            assertRawError(rawCall(rawMallory, "{\"type\":\"broadcast\",\"channel\":\"broadcast:" + room
                    + "\",\"event\":\"connected\",\"payload\":{\"userId\":\"admin\"}}"), "FORBIDDEN");

            // Marker from node a's server API on the victim's own automatic room: after anything node a published.
            api(a).broadcastToAll("marker", JsonNodeFactory.instance.objectNode());
            List<SioClient.Event> got = victim.client().until(e -> e.name().equals("marker"), WAIT);
            assertThat(got).extracting(SioClient.Event::name).containsExactly("marker");
            assertThat(victim.client().drain(QUIET)).isEmpty();

            // The automatic rooms still work after the refused leave: the server reaches mallory's socket.
            api(b).sendToUser(mal, "still-here", JsonNodeFactory.instance.objectNode());
            mallory.client().await("still-here");
        }
    }

    @Test
    void roomValidatorsDecideRawSubscribesAndBroadcastsAsTheyDecideSocketIoJoins() throws Exception {
        String room = unique("vip:club");
        String outsider = unique("outsider");
        try (Sio vipSio = sio(b, unique("vera"), "vip");
             WsClient vipRaw = raw(b, unique("victor"), "vip");
             Sio outSio = sio(a, outsider);
             WsClient outRaw = raw(a, outsider, "authenticated")) {
            // Members with the role, on both transports.
            join(vipSio, room);
            assertThat(rawCall(vipRaw, "{\"type\":\"subscribe\",\"channel\":\"broadcast:" + room + "\"}")
                    .path("status").asText()).isEqualTo("subscribed");
            assertThat(rawCall(vipRaw, "{\"type\":\"subscribe\",\"channel\":\"presence:" + room + "\"}")
                    .path("status").asText()).isEqualTo("subscribed");
            vipSio.client().await("room:user:joined");

            // The same refusal for the outsider on both transports.
            assertSioError(outSio.call("room:join", new JSONObject().put("room", room)), "PERMISSION_DENIED");
            assertRawError(rawCall(outRaw, "{\"type\":\"subscribe\",\"channel\":\"broadcast:" + room + "\"}"), "FORBIDDEN");
            assertRawError(rawCall(outRaw, "{\"type\":\"subscribe\",\"channel\":\"presence:" + room + "\",\"state\":{}}"),
                    "FORBIDDEN");
            assertRawError(rawCall(outRaw, "{\"type\":\"broadcast\",\"channel\":\"broadcast:" + room
                    + "\",\"event\":\"chat\",\"payload\":{\"text\":\"let me in\"}}"), "FORBIDDEN");

            // Nothing from the outsider reached the members: node a's marker comes after anything it published.
            api(a).broadcastToRoom(room, "marker", JsonNodeFactory.instance.objectNode());
            List<SioClient.Event> got = vipSio.client().until(e -> e.name().equals("marker"), WAIT);
            assertThat(got).extracting(SioClient.Event::name).containsExactly("marker");
            JsonNode rawMarker = vipRaw.await(m -> "broadcast".equals(m.path("type").asText()), WAIT);
            assertThat(rawMarker.path("event").asText()).isEqualTo("marker");
            assertThat(vipSio.client().drain(QUIET)).isEmpty();
            assertThat(vipRaw.drain(QUIET)).noneMatch(m -> "broadcast".equals(m.path("type").asText()));

            // Members may publish: the validator allows them on raw as on Socket.IO.
            assertThat(rawCall(vipRaw, "{\"type\":\"broadcast\",\"channel\":\"broadcast:" + room
                    + "\",\"event\":\"chat\",\"payload\":{}}").path("status").asText()).isEqualTo("sent");
            assertThat(vipSio.client().await("room:chat").json().getJSONObject("sender").has("userId")).isTrue();
        }
    }
}
