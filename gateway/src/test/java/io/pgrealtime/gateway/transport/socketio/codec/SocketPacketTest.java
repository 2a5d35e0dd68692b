package io.pgrealtime.gateway.transport.socketio.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pgrealtime.protocol.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SocketPacketTest {

    static JsonNode json(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void typeDigitsAreTheSpecs() {
        assertThat(SocketPacketType.values()).extracting(SocketPacketType::code)
                .containsExactly('0', '1', '2', '3', '4', '5', '6');
        assertThat(SocketPacketType.values()).containsExactly(SocketPacketType.CONNECT, SocketPacketType.DISCONNECT,
                SocketPacketType.EVENT, SocketPacketType.ACK, SocketPacketType.CONNECT_ERROR,
                SocketPacketType.BINARY_EVENT, SocketPacketType.BINARY_ACK);
        for (SocketPacketType type : SocketPacketType.values()) {
            assertThat(SocketPacketType.forCode(type.code())).isEqualTo(type);
        }
        assertThat(SocketPacketType.EVENT.toBinary()).isEqualTo(SocketPacketType.BINARY_EVENT);
        assertThat(SocketPacketType.ACK.toBinary()).isEqualTo(SocketPacketType.BINARY_ACK);
        assertThat(SocketPacketType.BINARY_ACK.toBinary()).isEqualTo(SocketPacketType.BINARY_ACK);
        assertThatThrownBy(SocketPacketType.CONNECT::toBinary).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eventFactory() {
        SocketPacket p = SocketPacket.event("event", json("{\"a\":1}"), null, TextNode.valueOf("x"));
        assertThat(p.type()).isEqualTo(SocketPacketType.EVENT);
        assertThat(p.namespace()).isEqualTo("/");
        assertThat(p.ackId()).isNull();
        assertThat(p.data()).isEqualTo(json("[\"event\",{\"a\":1},null,\"x\"]"));
        assertThat(p.attachments()).isZero();
        assertThat(p.eventName()).isEqualTo("event");
        assertThat(p.arguments()).containsExactly(json("{\"a\":1}"), NullNode.getInstance(), TextNode.valueOf("x"));
        assertThat(SocketPacket.event("ping").arguments()).isEmpty();
    }

    @Test
    void eventWithBinaryIsABinaryEventCountingItsAttachments() {
        SocketPacket p = SocketPacket.event("upload", BinaryNode.valueOf(new byte[]{1}),
                Json.object().set("nested", Json.mapper().createArrayNode().add(new byte[]{2}).add(new byte[]{3})));
        assertThat(p.type()).isEqualTo(SocketPacketType.BINARY_EVENT);
        assertThat(p.attachments()).isEqualTo(3);
        assertThat(p.eventName()).isEqualTo("upload");
    }

    @Test
    void ackFactory() {
        SocketPacket p = SocketPacket.ack(1, TextNode.valueOf("ok"));
        assertThat(p.type()).isEqualTo(SocketPacketType.ACK);
        assertThat(p.ackId()).isEqualTo(1);
        assertThat(p.data()).isEqualTo(json("[\"ok\"]"));
        assertThat(p.eventName()).isNull();
        assertThat(p.arguments()).containsExactly(TextNode.valueOf("ok"));
        assertThat(SocketPacket.ack(0).data()).isEqualTo(json("[]"));
        SocketPacket binary = SocketPacket.ack(15, TextNode.valueOf("bar"), BinaryNode.valueOf(new byte[]{1, 2, 3, 4}));
        assertThat(binary.type()).isEqualTo(SocketPacketType.BINARY_ACK);
        assertThat(binary.attachments()).isEqualTo(1);
    }

    @Test
    void connectDisconnectAndConnectErrorFactories() {
        assertThat(SocketPacket.connect("/admin", json("{\"token\":\"x\"}")))
                .isEqualTo(new SocketPacket(SocketPacketType.CONNECT, "/admin", null, json("{\"token\":\"x\"}"), 0));
        assertThat(SocketPacket.connect(null, null).namespace()).isEqualTo("/");
        assertThat(SocketPacket.disconnect("/admin"))
                .isEqualTo(new SocketPacket(SocketPacketType.DISCONNECT, "/admin", null, null, 0));
        SocketPacket error = SocketPacket.connectError("/", json("{\"message\":\"UNAUTHORIZED\"}"));
        assertThat(error.type()).isEqualTo(SocketPacketType.CONNECT_ERROR);
        assertThat(error.arguments()).isEmpty();
        assertThat(SocketPacket.connectError("/", TextNode.valueOf("legacy")).data()).isEqualTo(TextNode.valueOf("legacy"));
    }

    @Test
    void withers() {
        SocketPacket p = SocketPacket.event("tellme").withNamespace("/admin").withAckId(1);
        assertThat(p).isEqualTo(new SocketPacket(SocketPacketType.EVENT, "/admin", 1, json("[\"tellme\"]"), 0));
        assertThat(p.withAckId(null).ackId()).isNull();
    }

    @Test
    void theConstructorRefusesInvalidPackets() {
        JsonNode event = json("[\"e\"]");
        JsonNode args = json("[]");
        assertInvalid(SocketPacketType.EVENT, "admin", null, event, 0, "start with '/'");
        assertInvalid(SocketPacketType.EVENT, "", null, event, 0, "start with '/'");
        assertInvalid(SocketPacketType.EVENT, "/a,b", null, event, 0, "namespace holds ','");
        assertInvalid(SocketPacketType.EVENT, "/a\u001e", null, event, 0, "namespace holds U+001E");
        assertInvalid(SocketPacketType.EVENT, "/" + "a".repeat(256), null, event, 0, "longer than");
        assertInvalid(SocketPacketType.EVENT, "/", -1, event, 0, "negative");
        assertInvalid(SocketPacketType.EVENT, "/", null, null, 0, "non-empty array");
        assertInvalid(SocketPacketType.EVENT, "/", null, args, 0, "non-empty array");
        assertInvalid(SocketPacketType.EVENT, "/", null, json("[1]"), 0, "must be a string");
        assertInvalid(SocketPacketType.EVENT, "/", null, json("[\"connect\"]"), 0, "reserved event name");
        assertInvalid(SocketPacketType.EVENT, "/", null, event, 1, "cannot announce 1 attachments");
        assertInvalid(SocketPacketType.BINARY_EVENT, "/", null, event, -1, "cannot announce");
        assertInvalid(SocketPacketType.ACK, "/", null, args, 0, "needs an ack id");
        assertInvalid(SocketPacketType.BINARY_ACK, "/", null, args, 0, "needs an ack id");
        assertInvalid(SocketPacketType.ACK, "/", 1, json("{}"), 0, "must be an array");
        assertInvalid(SocketPacketType.CONNECT, "/", 1, null, 0, "takes no ack id");
        assertInvalid(SocketPacketType.CONNECT, "/", null, args, 0, "must be an object");
        assertInvalid(SocketPacketType.DISCONNECT, "/", null, json("{}"), 0, "takes no payload");
        assertInvalid(SocketPacketType.DISCONNECT, "/", 3, null, 0, "takes no ack id");
        assertInvalid(SocketPacketType.CONNECT_ERROR, "/", null, null, 0, "object or a string");
        assertInvalid(SocketPacketType.CONNECT_ERROR, "/", null, IntNode.valueOf(1), 0, "object or a string");
        assertThatThrownBy(() -> SocketPacket.event(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void namespacesMayHoldAnythingPrintable() {
        assertThat(SocketPacket.disconnect("/").namespace()).isEqualTo("/");
        assertThat(SocketPacket.disconnect("/a/b?c=d & é🎉").namespace()).isEqualTo("/a/b?c=d & é🎉");
        assertThat(SocketPacket.disconnect("/" + "a".repeat(255)).namespace()).hasSize(256);
    }

    private static void assertInvalid(SocketPacketType type, String nsp, Integer ackId, JsonNode data, int attachments,
                                      String message) {
        assertThatThrownBy(() -> new SocketPacket(type, nsp, ackId, data, attachments))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
