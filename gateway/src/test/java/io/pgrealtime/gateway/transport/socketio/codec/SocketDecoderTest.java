package io.pgrealtime.gateway.transport.socketio.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Optional;

import static io.pgrealtime.gateway.transport.socketio.codec.SocketPacketTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The examples of the Socket.IO v5 specification, decoded, and the attachment state machine. */
class SocketDecoderTest {
    private static final String PLACEHOLDER_0 = "{\"_placeholder\":true,\"num\":0}";
    private static final String PLACEHOLDER_1 = "{\"_placeholder\":true,\"num\":1}";

    private final SocketDecoder decoder = new SocketDecoder();

    @Test
    void connect() {
        assertThat(decode("0")).isEqualTo(SocketPacket.connect("/", null));
        assertThat(decode("0/admin,")).isEqualTo(SocketPacket.connect("/admin", null));
        assertThat(decode("0/admin")).isEqualTo(SocketPacket.connect("/admin", null));
        assertThat(decode("0{\"token\":\"x\"}")).isEqualTo(SocketPacket.connect("/", json("{\"token\":\"x\"}")));
        assertThat(decode("0/admin,{\"token\":\"123\"}")).isEqualTo(SocketPacket.connect("/admin", json("{\"token\":\"123\"}")));
        assertThat(decode("0/,{}")).isEqualTo(SocketPacket.connect("/", json("{}")));
    }

    @Test
    void disconnect() {
        assertThat(decode("1")).isEqualTo(SocketPacket.disconnect("/"));
        assertThat(decode("1/admin,")).isEqualTo(SocketPacket.disconnect("/admin"));
    }

    @Test
    void event() {
        assertThat(decode("2[\"foo\"]")).isEqualTo(SocketPacket.event("foo"));
        assertThat(decode("2/admin,[\"bar\"]")).isEqualTo(SocketPacket.event("bar").withNamespace("/admin"));
        SocketPacket p = decode("2[\"event\",{\"a\":1},[true,null],\"s\",1.50]");
        assertThat(p.eventName()).isEqualTo("event");
        assertThat(p.arguments()).containsExactly(json("{\"a\":1}"), json("[true,null]"), TextNode.valueOf("s"),
                json("1.50"));
        assertThat(p.arguments().get(3).decimalValue()).isEqualTo(new BigDecimal("1.50"));
        assertThat(decode("2[\"\"]").eventName()).isEmpty();
    }

    @Test
    void eventWithAckId() {
        assertThat(decode("212[\"foo\"]")).isEqualTo(SocketPacket.event("foo").withAckId(12));
        assertThat(decode("2/admin,1[\"tellme\"]")).isEqualTo(SocketPacket.event("tellme").withNamespace("/admin").withAckId(1));
        assertThat(decode("20[\"foo\"]").ackId()).isZero();
        assertThat(decode("2007[\"foo\"]").ackId()).isEqualTo(7);
        assertThat(decode("22147483647[\"foo\"]").ackId()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void ack() {
        assertThat(decode("31[\"ok\"]")).isEqualTo(SocketPacket.ack(1, TextNode.valueOf("ok")));
        assertThat(decode("312[]")).isEqualTo(SocketPacket.ack(12));
        assertThat(decode("3/admin,13[\"bar\"]")).isEqualTo(SocketPacket.ack(13, TextNode.valueOf("bar")).withNamespace("/admin"));
    }

    @Test
    void connectError() {
        assertThat(decode("4{\"message\":\"Not authorized\"}"))
                .isEqualTo(SocketPacket.connectError("/", json("{\"message\":\"Not authorized\"}")));
        assertThat(decode("4/admin,\"legacy string\""))
                .isEqualTo(SocketPacket.connectError("/admin", TextNode.valueOf("legacy string")));
    }

    @Test
    void binaryEventWithOneAttachment() {
        assertThat(decoder.decodeText("51-[\"baz\"," + PLACEHOLDER_0 + "]")).isEmpty();
        assertThat(decoder.isAwaitingAttachments()).isTrue();
        Optional<SocketPacket> packet = decoder.decodeBinary(new byte[]{1, 2, 3, 4});
        assertThat(packet).contains(SocketPacket.event("baz", BinaryNode.valueOf(new byte[]{1, 2, 3, 4})));
        assertThat(packet.get().type()).isEqualTo(SocketPacketType.BINARY_EVENT);
        assertThat(packet.get().attachments()).isEqualTo(1);
        assertThat(decoder.isAwaitingAttachments()).isFalse();
    }

    @Test
    void binaryEventWithSeveralAttachments() {
        assertThat(decoder.decodeText("52-/admin,[\"baz\"," + PLACEHOLDER_0 + "," + PLACEHOLDER_1 + "]")).isEmpty();
        assertThat(decoder.decodeBinary(new byte[]{1, 2})).isEmpty();
        assertThat(decoder.isAwaitingAttachments()).isTrue();
        SocketPacket packet = decoder.decodeBinary(new byte[]{3, 4}).orElseThrow();
        assertThat(packet).isEqualTo(SocketPacket.event("baz",
                BinaryNode.valueOf(new byte[]{1, 2}), BinaryNode.valueOf(new byte[]{3, 4})).withNamespace("/admin"));
        assertThat(packet.attachments()).isEqualTo(2);
    }

    @Test
    void placeholdersMayComeInAnyOrderAndNestedAnywhere() throws Exception {
        String header = "53-7[\"upload\",{\"meta\":{\"thumb\":{\"_placeholder\":true,\"num\":2}},"
                + "\"parts\":[" + PLACEHOLDER_1 + ",[[" + PLACEHOLDER_0 + "]]]},\"tail\"]";
        assertThat(decoder.decodeText(header)).isEmpty();
        assertThat(decoder.decodeBinary(new byte[]{0})).isEmpty();
        assertThat(decoder.decodeBinary(new byte[]{1})).isEmpty();
        SocketPacket packet = decoder.decodeBinary(new byte[]{2}).orElseThrow();
        assertThat(packet.ackId()).isEqualTo(7);
        JsonNode file = packet.arguments().get(0);
        assertThat(file.at("/meta/thumb").binaryValue()).containsExactly(2);
        assertThat(file.at("/parts/0").binaryValue()).containsExactly(1);
        assertThat(file.at("/parts/1/0/0").binaryValue()).containsExactly(0);
        assertThat(packet.arguments().get(1)).isEqualTo(TextNode.valueOf("tail"));
    }

    @Test
    void binaryAck() {
        assertThat(decoder.decodeText("61-15[\"bar\"," + PLACEHOLDER_0 + "]")).isEmpty();
        assertThat(decoder.decodeBinary(new byte[]{1, 2, 3, 4}))
                .contains(SocketPacket.ack(15, TextNode.valueOf("bar"), BinaryNode.valueOf(new byte[]{1, 2, 3, 4})));
        assertThat(decoder.decodeText("61-/admin,1[" + PLACEHOLDER_0 + "]")).isEmpty();
        assertThat(decoder.decodeBinary(new byte[0]))
                .contains(SocketPacket.ack(1, BinaryNode.valueOf(new byte[0])).withNamespace("/admin"));
    }

    @Test
    void zeroAttachmentsCompleteAtOnce() {
        assertThat(decoder.decodeText("50-[\"e\"]"))
                .contains(new SocketPacket(SocketPacketType.BINARY_EVENT, "/", null, json("[\"e\"]"), 0));
        assertThat(decoder.isAwaitingAttachments()).isFalse();
    }

    @Test
    void placeholdersInATextEventAreJustData() {
        assertThat(decode("2[\"e\"," + PLACEHOLDER_0 + "]").arguments()).containsExactly(json(PLACEHOLDER_0));
    }

    @Test
    void anObjectWhosePlaceholderFlagIsNotTrueIsJustData() {
        assertThat(decoder.decodeText("50-[\"e\",{\"_placeholder\":false,\"num\":0},{\"_placeholder\":\"true\"}]"))
                .isPresent();
    }

    @Test
    void packetsFollowOneAnother() {
        assertThat(decoder.decodeText("0")).isPresent();
        assertThat(decoder.decodeText("51-[\"a\"," + PLACEHOLDER_0 + "]")).isEmpty();
        assertThat(decoder.decodeBinary(new byte[]{1})).isPresent();
        assertThat(decoder.decodeText("2[\"b\"]")).contains(SocketPacket.event("b"));
        assertThat(decoder.decodeText("61-3[" + PLACEHOLDER_0 + "]")).isEmpty();
        assertThat(decoder.decodeBinary(new byte[]{2})).contains(SocketPacket.ack(3, BinaryNode.valueOf(new byte[]{2})));
        assertThat(decoder.decodeText("1")).contains(SocketPacket.disconnect("/"));
    }

    @Test
    void maxAttachmentsIsConfigurable() {
        assertThat(decoder.maxAttachments()).isEqualTo(10);
        StringBuilder ten = new StringBuilder("510-[\"e\"");
        for (int i = 0; i < 10; i++) {
            ten.append(",{\"_placeholder\":true,\"num\":").append(i).append('}');
        }
        assertThat(decoder.decodeText(ten.append(']').toString())).isEmpty();
        for (int i = 0; i < 9; i++) {
            assertThat(decoder.decodeBinary(new byte[]{(byte) i})).isEmpty();
        }
        assertThat(decoder.decodeBinary(new byte[]{9}).orElseThrow().attachments()).isEqualTo(10);

        SocketDecoder none = new SocketDecoder(0);
        assertThat(none.decodeText("50-[\"e\"]")).isPresent();
        assertThatThrownBy(() -> none.decodeText("51-[\"e\"," + PLACEHOLDER_0 + "]"))
                .isInstanceOf(SocketProtocolException.class).hasMessageContaining("too many attachments");
        assertThatThrownBy(() -> new SocketDecoder(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void afterAnErrorTheDecoderRefusesEverythingUntilReset() {
        assertThat(decoder.decodeText("51-[\"a\"," + PLACEHOLDER_0 + "]")).isEmpty();
        assertThatThrownBy(() -> decoder.decodeText("2[\"b\"]")).isInstanceOf(SocketProtocolException.class)
                .hasMessageContaining("got text while awaiting attachment 1 of 1");
        assertThat(decoder.isFailed()).isTrue();
        assertThat(decoder.isAwaitingAttachments()).isFalse();
        assertThatThrownBy(() -> decoder.decodeText("2[\"b\"]")).isInstanceOf(SocketProtocolException.class)
                .hasMessageContaining("failed on earlier input");
        assertThatThrownBy(() -> decoder.decodeBinary(new byte[1])).isInstanceOf(SocketProtocolException.class)
                .hasMessageContaining("failed on earlier input");
        decoder.reset();
        assertThat(decoder.isFailed()).isFalse();
        assertThat(decoder.decodeText("2[\"b\"]")).contains(SocketPacket.event("b"));
    }

    @Test
    void resetDropsAPartialPacket() {
        assertThat(decoder.decodeText("52-[\"a\"," + PLACEHOLDER_0 + "," + PLACEHOLDER_1 + "]")).isEmpty();
        assertThat(decoder.decodeBinary(new byte[]{1})).isEmpty();
        decoder.reset();
        assertThat(decoder.isAwaitingAttachments()).isFalse();
        assertThatThrownBy(() -> decoder.decodeBinary(new byte[]{2})).isInstanceOf(SocketProtocolException.class)
                .hasMessageContaining("unexpected binary");
    }

    private SocketPacket decode(String text) {
        Optional<SocketPacket> packet = decoder.decodeText(text);
        assertThat(packet).as(text).isPresent();
        return packet.get();
    }
}
