package io.pgrealtime.gateway.transport.socketio.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pgrealtime.protocol.Json;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static io.pgrealtime.gateway.transport.socketio.codec.SocketPacketTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The examples of the Socket.IO v5 specification, encoded. */
class SocketEncoderTest {
    private static final byte[] BUF = {1, 2, 3, 4};

    @Test
    void connect() {
        assertThat(text(SocketPacket.connect("/", null))).isEqualTo("0");
        assertThat(text(SocketPacket.connect("/admin", json("{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}"))))
                .isEqualTo("0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}");
        assertThat(text(SocketPacket.connect("/admin", json("{\"token\":\"x\"}")))).isEqualTo("0/admin,{\"token\":\"x\"}");
        assertThat(text(SocketPacket.connect("/", json("{\"token\":\"x\"}")))).isEqualTo("0{\"token\":\"x\"}");
        assertThat(text(SocketPacket.connect("/admin", null))).isEqualTo("0/admin,");
    }

    @Test
    void connectError() {
        assertThat(text(SocketPacket.connectError("/", json("{\"message\":\"Not authorized\"}"))))
                .isEqualTo("4{\"message\":\"Not authorized\"}");
        assertThat(text(SocketPacket.connectError("/admin",
                json("{\"message\":\"UNAUTHORIZED\",\"data\":{\"code\":\"UNAUTHORIZED\"}}"))))
                .isEqualTo("4/admin,{\"message\":\"UNAUTHORIZED\",\"data\":{\"code\":\"UNAUTHORIZED\"}}");
    }

    @Test
    void disconnect() {
        assertThat(text(SocketPacket.disconnect("/"))).isEqualTo("1");
        assertThat(text(SocketPacket.disconnect("/admin"))).isEqualTo("1/admin,");
    }

    @Test
    void event() {
        assertThat(text(SocketPacket.event("foo"))).isEqualTo("2[\"foo\"]");
        assertThat(text(SocketPacket.event("bar").withNamespace("/admin"))).isEqualTo("2/admin,[\"bar\"]");
        assertThat(text(SocketPacket.event("event", json("{\"a\":1}")))).isEqualTo("2[\"event\",{\"a\":1}]");
        assertThat(text(SocketPacket.event("hey", TextNode.valueOf("Jude")))).isEqualTo("2[\"hey\",\"Jude\"]");
        assertThat(text(SocketPacket.event("n", Json.nodes().numberNode(new BigDecimal("1.500")))))
                .isEqualTo("2[\"n\",1.500]");
    }

    @Test
    void eventWithAckId() {
        assertThat(text(SocketPacket.event("foo").withAckId(12))).isEqualTo("212[\"foo\"]");
        assertThat(text(SocketPacket.event("tellme").withNamespace("/admin").withAckId(1))).isEqualTo("2/admin,1[\"tellme\"]");
        assertThat(text(SocketPacket.event("foo").withAckId(0))).isEqualTo("20[\"foo\"]");
        assertThat(text(SocketPacket.event("foo").withAckId(Integer.MAX_VALUE))).isEqualTo("22147483647[\"foo\"]");
    }

    @Test
    void ack() {
        assertThat(text(SocketPacket.ack(1, TextNode.valueOf("ok")))).isEqualTo("31[\"ok\"]");
        assertThat(text(SocketPacket.ack(12))).isEqualTo("312[]");
        assertThat(text(SocketPacket.ack(13, TextNode.valueOf("bar")).withNamespace("/admin"))).isEqualTo("3/admin,13[\"bar\"]");
        assertThat(text(SocketPacket.ack(7, json("{\"status\":\"success\",\"data\":{\"subscriptionId\":\"s1\"}}"))))
                .isEqualTo("37[{\"status\":\"success\",\"data\":{\"subscriptionId\":\"s1\"}}]");
    }

    @Test
    void binaryEventWithOneAttachment() {
        SocketEncoder.Encoded encoded = SocketEncoder.encode(SocketPacket.event("baz", BinaryNode.valueOf(BUF)));
        assertThat(encoded.text()).isEqualTo("51-[\"baz\",{\"_placeholder\":true,\"num\":0}]");
        assertThat(encoded.attachments()).containsExactly(BUF);
        assertThat(SocketEncoder.encode(SocketPacket.event("upload", BinaryNode.valueOf(BUF))).text())
                .isEqualTo("51-[\"upload\",{\"_placeholder\":true,\"num\":0}]");
    }

    @Test
    void binaryEventWithSeveralAttachments() {
        SocketEncoder.Encoded encoded = SocketEncoder.encode(SocketPacket.event("baz",
                BinaryNode.valueOf(new byte[]{1, 2}), BinaryNode.valueOf(new byte[]{3, 4})).withNamespace("/admin"));
        assertThat(encoded.text())
                .isEqualTo("52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        assertThat(encoded.attachments()).containsExactly(new byte[]{1, 2}, new byte[]{3, 4});
    }

    @Test
    void nestedBinaryIsNumberedDepthFirst() {
        ObjectNode file = Json.object();
        file.put("name", "a.png");
        file.set("parts", Json.mapper().createArrayNode().add(new byte[]{1}).add(Json.object().put("deep", new byte[]{2})));
        file.put("thumb", new byte[]{3});
        SocketPacket packet = SocketPacket.event("upload", file, BinaryNode.valueOf(new byte[]{4})).withAckId(9);
        SocketEncoder.Encoded encoded = SocketEncoder.encode(packet);
        assertThat(encoded.text()).isEqualTo("54-9[\"upload\",{\"name\":\"a.png\",\"parts\":[{\"_placeholder\":true,\"num\":0},"
                + "{\"deep\":{\"_placeholder\":true,\"num\":1}}],\"thumb\":{\"_placeholder\":true,\"num\":2}},"
                + "{\"_placeholder\":true,\"num\":3}]");
        assertThat(encoded.attachments()).containsExactly(new byte[]{1}, new byte[]{2}, new byte[]{3}, new byte[]{4});
        // The packet's own tree keeps its binary.
        assertThat(packet.data().get(1).get("thumb").isBinary()).isTrue();
    }

    @Test
    void binaryAck() {
        SocketEncoder.Encoded encoded = SocketEncoder.encode(SocketPacket.ack(15, TextNode.valueOf("bar"), BinaryNode.valueOf(BUF)));
        assertThat(encoded.text()).isEqualTo("61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]");
        assertThat(encoded.attachments()).containsExactly(BUF);
        SocketEncoder.Encoded sample = SocketEncoder.encode(SocketPacket.ack(1, BinaryNode.valueOf(BUF)).withNamespace("/admin"));
        assertThat(sample.text()).isEqualTo("61-/admin,1[{\"_placeholder\":true,\"num\":0}]");
    }

    @Test
    void anEventHoldingBinaryIsSentAsBinaryEvent() {
        // Built by hand as EVENT: the reference encoder promotes it, and so do we.
        ArrayNode data = Json.mapper().createArrayNode().add("e").add(new byte[]{9});
        SocketPacket packet = new SocketPacket(SocketPacketType.EVENT, "/", null, data, 0);
        assertThat(SocketEncoder.encode(packet).text()).isEqualTo("51-[\"e\",{\"_placeholder\":true,\"num\":0}]");
    }

    @Test
    void aBinaryTypeWithoutBinaryAnnouncesZeroAttachments() {
        SocketPacket packet = new SocketPacket(SocketPacketType.BINARY_EVENT, "/", null, json("[\"e\"]"), 0);
        SocketEncoder.Encoded encoded = SocketEncoder.encode(packet);
        assertThat(encoded.text()).isEqualTo("50-[\"e\"]");
        assertThat(encoded.attachments()).isEmpty();
    }

    @Test
    void binaryOutsideEventsAndAcksIsRefused() {
        JsonNode auth = Json.object().put("key", new byte[]{1});
        assertThatThrownBy(() -> SocketEncoder.encode(SocketPacket.connect("/", auth)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SocketEncoder.encode(SocketPacket.connectError("/", auth)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodeTextRefusesBinary() {
        assertThatThrownBy(() -> SocketEncoder.encodeText(SocketPacket.event("e", BinaryNode.valueOf(BUF))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void controlCharactersAndTheRecordSeparatorAreEscapedInJson() {
        // So an encoded packet can always travel in a polling payload.
        String text = text(SocketPacket.event("e", TextNode.valueOf("a\u001eb\u0000\n")));
        assertThat(text).isEqualTo("2[\"e\",\"a\\u001Eb\\u0000\\n\"]").doesNotContain("\u001e");
    }

    @Test
    void encodedPacketsBecomeEngineMessages() {
        SocketEncoder.Encoded encoded = SocketEncoder.encode(SocketPacket.event("baz",
                BinaryNode.valueOf(new byte[]{1, 2}), BinaryNode.valueOf(new byte[]{3, 4})));
        assertThat(encoded.toEnginePackets()).containsExactly(
                EnginePacket.message("52-[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"),
                EnginePacket.message(new byte[]{1, 2}),
                EnginePacket.message(new byte[]{3, 4}));
        assertThat(SocketEncoder.encode(SocketPacket.connect("/", null)).toEnginePackets())
                .containsExactly(EnginePacket.message("0"));
        assertThat(EngineEncoder.encodeTextFrame((EnginePacket.Text) SocketEncoder.encode(
                SocketPacket.connect("/", null)).toEnginePackets().get(0))).isEqualTo("40");
    }

    private static String text(SocketPacket packet) {
        SocketEncoder.Encoded encoded = SocketEncoder.encode(packet);
        assertThat(encoded.attachments()).isEmpty();
        assertThat(SocketEncoder.encodeText(packet)).isEqualTo(encoded.text());
        return encoded.text();
    }
}
