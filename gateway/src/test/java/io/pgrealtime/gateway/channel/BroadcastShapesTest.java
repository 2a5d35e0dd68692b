package io.pgrealtime.gateway.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.broker.MemoryBroker;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.gateway.session.RecordingOutbound;
import io.pgrealtime.gateway.transport.socketio.SocketIoWire;
import io.pgrealtime.gateway.transport.websocket.RawWire;
import io.pgrealtime.protocol.BroadcastChannel;
import io.pgrealtime.protocol.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What subscribers of each wire receive for a client's message, a server emit and an envelope of
 * the earlier version, through {@link BroadcastChannels} and a real (in-memory) broker. Issue 10:
 * whatever a client puts in an event name or topic, its message arrives wrapped with its sender.
 */
class BroadcastShapesTest {
    private MemoryBroker broker;
    private BroadcastChannels channels;
    private ClientSession attacker;
    private RecordingOutbound sioInbox;
    private RecordingOutbound rawInbox;
    private ClientSession sioVictim;
    private ClientSession rawVictim;

    private static Principal user(String id) {
        return new Principal(id, Set.of("authenticated"), Map.of(), Instant.now().plusSeconds(3600), false);
    }

    @BeforeEach
    void start() {
        BroadcastChannels[] ref = new BroadcastChannels[1];
        broker = new MemoryBroker("n1", (channel, payload) -> ref[0].onBrokerMessage(channel, payload));
        channels = new BroadcastChannels(broker, "bc:");
        ref[0] = channels;
        attacker = new ClientSession("att-1", user("mallory"), new RecordingOutbound(), "socket.io", SocketIoWire.INSTANCE);
        sioInbox = new RecordingOutbound();
        rawInbox = new RecordingOutbound();
        sioVictim = new ClientSession("vic-1", user("victim"), sioInbox, "socket.io", SocketIoWire.INSTANCE);
        rawVictim = new ClientSession("raw-1", user("victim"), rawInbox, "websocket", RawWire.INSTANCE);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private void subscribeBoth(String topic) {
        channels.subscribe(sioVictim, topic, new BroadcastChannel(topic)).join();
        channels.subscribe(rawVictim, topic, new BroadcastChannel(topic)).join();
    }

    /** The one Socket.IO event the victim got: {@code [name, arg]}. */
    private JsonNode sioEvent() {
        await().atMost(Duration.ofSeconds(5)).until(() -> !sioInbox.sent.isEmpty());
        String packet = sioInbox.sent.get(0);
        assertThat(packet).startsWith("42");
        return read(packet.substring(2));
    }

    private JsonNode rawMessage() {
        await().atMost(Duration.ofSeconds(5)).until(() -> !rawInbox.sent.isEmpty());
        return read(rawInbox.sent.get(0));
    }

    private static JsonNode read(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lobby", "user:victim", "__all__", "!plain"})
    void aClientMessageArrivesAsARoomMessageWithItsSenderWhateverTheTopic(String topic) {
        subscribeBoth(topic);
        channels.publish(attacker, topic, "t_tenant:insert", Json.object().put("id", 1), false);

        JsonNode sio = sioEvent();
        assertThat(sio.get(0).asText()).isEqualTo("room:t_tenant:insert");
        assertThat(sio.get(1).path("room").asText()).isEqualTo(topic);
        assertThat(sio.get(1).path("sender").path("userId").asText()).isEqualTo("mallory");
        assertThat(sio.get(1).path("sender").path("socketId").asText()).isEqualTo("att-1");

        JsonNode raw = rawMessage();
        assertThat(raw.path("channel").asText()).isEqualTo("broadcast:" + topic);
        assertThat(raw.path("event").asText()).isEqualTo("t_tenant:insert");
        assertThat(raw.path("sender").path("user_id").asText()).isEqualTo("mallory");
        assertThat(raw.path("sender").path("id").asText()).isEqualTo("att-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"!t_tenant:insert", "connected", "poke"})
    void aDirectMessageArrivesAsDirectWithFromWhateverItsEventName(String event) {
        subscribeBoth("socket:vic-1");
        channels.publish(attacker, "socket:vic-1", event, Json.object(), false);

        JsonNode sio = sioEvent();
        assertThat(sio.get(0).asText()).isEqualTo("direct");
        assertThat(sio.get(1).path("event").asText()).isEqualTo(event);
        assertThat(sio.get(1).path("from").path("userId").asText()).isEqualTo("mallory");
        assertThat(sio.get(1).path("from").path("socketId").asText()).isEqualTo("att-1");
    }

    @Test
    void aServerEmitIsTheBareEventOnSocketIoAndASenderlessBroadcastOnRaw() {
        subscribeBoth("lobby");
        channels.emit("lobby", "notice", Json.object().put("m", "hi"));

        JsonNode sio = sioEvent();
        assertThat(sio.get(0).asText()).isEqualTo("notice");
        assertThat(sio.get(1).path("m").asText()).isEqualTo("hi");
        JsonNode raw = rawMessage();
        assertThat(raw.toString())
                .isEqualTo("{\"type\":\"broadcast\",\"channel\":\"broadcast:lobby\",\"event\":\"notice\",\"payload\":{\"m\":\"hi\"}}");
    }

    @Test
    void aDatabaseBroadcastHasNoSenderAndIsARoomMessageInOrdinaryRooms() {
        subscribeBoth("lobby");
        channels.deliverLocal("lobby", "game:state", Json.object());
        JsonNode sio = sioEvent();
        assertThat(sio.get(0).asText()).isEqualTo("room:game:state");
        assertThat(rawMessage().has("sender")).isFalse();
    }

    @Test
    void anEnvelopeOfTheEarlierVersionCountsAsServerOnlyWithoutASender() {
        subscribeBoth("lobby");
        // A server emit of the earlier version: marker in the name, no sender.
        broker.publish("bc:lobby", "{\"topic\":\"lobby\",\"event\":\"!notice\",\"payload\":{},\"self\":true}").join();
        JsonNode sio = sioEvent();
        assertThat(sio.get(0).asText()).isEqualTo("notice");

        sioInbox.sent.clear();
        // A client's message relayed by a node of the earlier version: the marker means nothing.
        broker.publish("bc:lobby", "{\"topic\":\"lobby\",\"event\":\"!notice\",\"payload\":{},\"from\":\"att-1\","
                + "\"user\":\"mallory\",\"self\":false}").join();
        JsonNode forged = sioEvent();
        assertThat(forged.get(0).asText()).isEqualTo("room:!notice");
        assertThat(forged.get(1).path("sender").path("userId").asText()).isEqualTo("mallory");
    }
}
