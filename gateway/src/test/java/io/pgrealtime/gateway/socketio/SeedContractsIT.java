package io.pgrealtime.gateway.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.gateway.GatewayFixture;
import io.pgrealtime.gateway.WsClient;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed documents' own client code (shared/seeds 001, 003, 004), written out in Java with the same
 * messages, event names and field accesses, against a real gateway (issue 10).
 */
@RealtimeIntegrationTest
class SeedContractsIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static GatewayFixture fx;
    private static EmbeddedServer node;

    @BeforeAll
    static void start(TestDatabase db, TestRedis redis) {
        fx = new GatewayFixture(db, redis);
        node = fx.startNode("seeds");
        // Seed 001's collections: one with the default replica identity (a delete carries the key only).
        fx.createAndEnable("CREATE TABLE public.messages (id int PRIMARY KEY, \"user\" text, text text)",
                "public.messages", "", node);
        fx.createAndEnable("CREATE TABLE public.posts (id int PRIMARY KEY, title text, status text)",
                "public.posts", "", node);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    // ------------------------------------------------------------------ seed 004: raw broadcast without event

    /**
     * Seed 004, "Send Message (Broadcast)": {@code {type:'broadcast', channel:'broadcast:chat', payload:{message,
     * user}}} with no {@code event}; the other subscriber's {@code onmessage} reads {@code message.payload}.
     */
    @Test
    void seed004BroadcastWithoutEventReachesTheOtherSubscriber() throws Exception {
        try (WsClient john = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("john"));
             WsClient mary = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("mary"));
             SioClient sio = SioClient.connect(node.getPort(), fx.token("sio-mary"), new String[] {"websocket"})) {
            for (WsClient c : List.of(john, mary)) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"broadcast:chat\"}");
                JsonNode ack = c.awaitType("ack");
                assertThat(ack.path("channel").asText()).isEqualTo("broadcast:chat");
                assertThat(ack.path("status").asText()).isEqualTo("subscribed");
            }
            sio.awaitConnected();
            assertThat(sio.call("room:join", new JSONObject().put("room", "chat")).getString("status")).isEqualTo("success");

            john.send("{\"type\":\"broadcast\",\"channel\":\"broadcast:chat\",\"payload\":{\"message\":\"Hello World\","
                    + "\"user\":\"john\"}}");

            JsonNode message = mary.await(m -> "broadcast".equals(m.path("type").asText()), WAIT);
            assertThat(message.path("channel").asText()).isEqualTo("broadcast:chat");
            assertThat(message.path("payload").path("message").asText()).isEqualTo("Hello World");
            assertThat(message.path("payload").path("user").asText()).isEqualTo("john");
            // The event name used when the sender gives none.
            assertThat(message.path("event").asText()).isEqualTo("broadcast");
            // A Socket.IO member of the same room gets it as room:broadcast.
            JSONObject onSio = sio.await("room:broadcast").json();
            assertThat(onSio.getString("room")).isEqualTo("chat");
            assertThat(onSio.getJSONObject("payload").getString("message")).isEqualTo("Hello World");
            // No error went back to the sender, and the sender does not get its own message.
            assertThat(john.drain(Duration.ofMillis(500))).isEmpty();
        }
    }

    // ------------------------------------------------------------------ seed 003: details keyed by field

    /**
     * Seed 003, "Filter Validation": a filter naming {@code invalid_field} is refused with
     * {@code error.details.invalid_field.code === 'UNKNOWN_FIELD'}; the raw protocol carries the same
     * details object.
     */
    @Test
    void seed003InvalidFiltersDetailsAreKeyedByField() {
        try (WsClient c = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("filters"))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"table:public.posts\",\"filter\":{\"status\":\"published\","
                    + "\"invalid_field\":\"value\",\"id\":{\"gt\":\"abc\"}},\"ref\":\"f1\"}");
            JsonNode error = c.awaitType("error");
            assertThat(error.path("code").asText()).isEqualTo("INVALID_FILTERS");
            assertThat(error.path("ref").asText()).isEqualTo("f1");
            JsonNode details = error.path("details");
            assertThat(details.isObject()).as("%s", error).isTrue();
            assertThat(details.path("invalid_field").path("code").asText()).isEqualTo("UNKNOWN_FIELD");
            assertThat(details.path("invalid_field").path("message").asText()).isNotBlank();
            assertThat(details.path("id").path("code").asText()).isEqualTo("INVALID_VALUE");
            assertThat(details.path("id").path("field").asText()).isEqualTo("id.gt");
            assertThat(details.has("status")).isFalse();
        }
    }

    // ------------------------------------------------------------------ seed 001: legacy collection and item rooms

    /**
     * Seed 001, "Room Management" and "Subscribing to Events": {@code socket.emit('join',
     * 'collection:messages', cb)} and {@code 'item:posts:{id}'}, then {@code socket.on('item.created' |
     * 'item.updated' | 'item.deleted', data => data.collection === … && data.item.id === …)}.
     */
    @Test
    void seed001LegacyCollectionAndItemRoomsDeliverItemEvents() throws Exception {
        try (SioClient feed = SioClient.connect(node.getPort(), fx.token("feed"), new String[] {"websocket", "polling"});
             SioClient post = SioClient.connect(node.getPort(), fx.token("post"), null)) {
            feed.awaitConnected();
            post.awaitConnected();
            SocketIoIT.CompletableAck joined = new SocketIoIT.CompletableAck();
            feed.socket.emit("join", new Object[] {"collection:messages"}, joined);
            assertThat(joined.get().getBoolean("success")).isTrue();
            SocketIoIT.CompletableAck itemJoined = new SocketIoIT.CompletableAck();
            post.socket.emit("join", new Object[] {"item:posts:42"}, itemJoined);
            assertThat(itemJoined.get().getBoolean("success")).as("%s", itemJoined.get()).isTrue();

            fx.db.execute("INSERT INTO public.messages VALUES (1, 'ann', 'hello')",
                    "INSERT INTO public.posts VALUES (41, 'other', 'x')",
                    "INSERT INTO public.posts VALUES (42, 'current', 'x')",
                    "UPDATE public.posts SET title = 'current!' WHERE id = 42",
                    "UPDATE public.posts SET title = 'other!' WHERE id = 41",
                    "DELETE FROM public.posts WHERE id = 42");

            JSONObject created = feed.await("item.created").json();
            assertThat(created.getString("collection")).isEqualTo("messages");
            assertThat(created.getJSONObject("item").getString("user") + ": " + created.getJSONObject("item").getString("text"))
                    .isEqualTo("ann: hello");
            assertThat(created.getString("timestamp")).endsWith("Z");
            assertThat(created.getString("id")).matches("\\d+-\\d+");

            List<SioClient.Event> got = post.until(e -> e.name().equals("item.deleted"), WAIT);
            List<SioClient.Event> items = got.stream().filter(e -> e.name().startsWith("item.")).toList();
            assertThat(items).extracting(SioClient.Event::name).containsExactly("item.created", "item.updated", "item.deleted");
            for (SioClient.Event e : items) {
                assertThat(e.json().getString("collection")).isEqualTo("posts");
                assertThat(e.json().getJSONObject("item").getInt("id")).isEqualTo(42);
            }
            assertThat(items.get(1).json().getJSONObject("item").getString("title")).isEqualTo("current!");
            assertThat(post.drain(Duration.ofMillis(500))).noneMatch(e -> e.name().startsWith("item."));
        }
    }
}
