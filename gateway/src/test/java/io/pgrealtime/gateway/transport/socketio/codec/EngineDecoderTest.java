package io.pgrealtime.gateway.transport.socketio.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineDecoderTest {
    private final EngineDecoder decoder = new EngineDecoder();

    @ParameterizedTest
    @EnumSource(EnginePacketType.class)
    void everyTypeFromATextFrame(EnginePacketType type) {
        assertThat(decoder.decodeTextFrame(String.valueOf(type.code()))).isEqualTo(new EnginePacket.Text(type, ""));
        assertThat(decoder.decodeTextFrame(type.code() + "some data")).isEqualTo(new EnginePacket.Text(type, "some data"));
        assertThat(EnginePacketType.forCode(type.code())).isEqualTo(type);
    }

    @Test
    void textFramesOfTheSpec() {
        assertThat(decoder.decodeTextFrame("2probe")).isEqualTo(EnginePacket.ping("probe"));
        assertThat(decoder.decodeTextFrame("3probe")).isEqualTo(EnginePacket.pong("probe"));
        assertThat(decoder.decodeTextFrame("5")).isEqualTo(EnginePacket.upgrade());
        assertThat(decoder.decodeTextFrame("4hello")).isEqualTo(EnginePacket.message("hello"));
        assertThat(decoder.decodeTextFrame("42[\"hello\"]")).isEqualTo(EnginePacket.message("2[\"hello\"]"));
        assertThat(decoder.decodeTextFrame("4")).isEqualTo(EnginePacket.message(""));
        assertThat(decoder.decodeTextFrame("4€🎉\u001e")).isEqualTo(EnginePacket.message("€🎉\u001e"));
    }

    @Test
    void aBase64TextFrameIsABinaryMessage() {
        // engine.io-client's forceBase64 option sends binary this way over WebSocket.
        assertThat(decoder.decodeTextFrame("bAQIDBA==")).isEqualTo(EnginePacket.message(new byte[]{1, 2, 3, 4}));
        assertThat(decoder.decodeTextFrame("b")).isEqualTo(EnginePacket.message(new byte[0]));
    }

    @Test
    void aBinaryFrameIsABinaryMessage() {
        byte[] bytes = {0, 1, (byte) 0xfe, (byte) 0xff};
        EnginePacket.Binary packet = decoder.decodeBinaryFrame(bytes);
        assertThat(packet.type()).isEqualTo(EnginePacketType.MESSAGE);
        assertThat(packet.data()).isSameAs(bytes);
        assertThat(decoder.decodeBinaryFrame(new byte[0]).data()).isEmpty();
    }

    @Test
    void payloadOfTheSpec() {
        assertThat(decoder.decodePayload("4hello\u001e2\u001e4world")).containsExactly(
                EnginePacket.message("hello"), EnginePacket.ping(), EnginePacket.message("world"));
        assertThat(decoder.decodePayload("4hello\u001ebAQIDBA==")).containsExactly(
                EnginePacket.message("hello"), EnginePacket.message(new byte[]{1, 2, 3, 4}));
        assertThat(decoder.decodePayload("42[\"hello\"]\u001e42[\"world\"]")).containsExactly(
                EnginePacket.message("2[\"hello\"]"), EnginePacket.message("2[\"world\"]"));
    }

    @Test
    void payloadWithOnePacket() {
        assertThat(decoder.decodePayload("40")).containsExactly(EnginePacket.message("0"));
        assertThat(decoder.decodePayload("1")).containsExactly(EnginePacket.close());
    }

    @Test
    void payloadWithSeveralBinaryPackets() {
        String body = "451-[\"upload\",{\"_placeholder\":true,\"num\":0}]\u001ebAQI=\u001eb\u001e6\u001ebeA==\u001e4ok";
        assertThat(decoder.decodePayload(body)).containsExactly(
                EnginePacket.message("51-[\"upload\",{\"_placeholder\":true,\"num\":0}]"),
                EnginePacket.message(new byte[]{1, 2}),
                EnginePacket.message(new byte[0]),
                EnginePacket.noop(),
                EnginePacket.message(new byte[]{'x'}),
                EnginePacket.message("ok"));
    }

    @Test
    void base64WithoutPaddingIsAccepted() {
        // Node's Buffer.from(s, "base64") accepts it too.
        assertThat(decoder.decodePayload("bAQIDBA")).containsExactly(EnginePacket.message(new byte[]{1, 2, 3, 4}));
    }

    @Test
    void payloadFromUtf8Bytes() {
        byte[] body = "4€\u001e4🎉\u001ebAQ==".getBytes(StandardCharsets.UTF_8);
        assertThat(decoder.decodePayload(body)).containsExactly(
                EnginePacket.message("€"), EnginePacket.message("🎉"), EnginePacket.message(new byte[]{1}));
    }

    @Test
    void maxPayloadIsCountedInUtf8Bytes() {
        EngineDecoder small = new EngineDecoder(7);
        assertThat(small.maxPayload()).isEqualTo(7);
        assertThat(small.decodeTextFrame("4abcdef")).isEqualTo(EnginePacket.message("abcdef"));
        assertThatThrownBy(() -> small.decodeTextFrame("4abcdefg")).isInstanceOf(EngineProtocolException.class)
                .hasMessageContaining("exceeds the maximum of 7");
        assertThat(small.decodeTextFrame("4€€")).isEqualTo(EnginePacket.message("€€")); // 1 + 3 + 3 bytes
        assertThatThrownBy(() -> small.decodeTextFrame("4€€a")).isInstanceOf(EngineProtocolException.class);
        assertThat(small.decodeTextFrame("4🎉é")).isEqualTo(EnginePacket.message("🎉é")); // 1 + 4 + 2 bytes
        assertThatThrownBy(() -> small.decodeTextFrame("4🎉🎉")).isInstanceOf(EngineProtocolException.class);
        assertThat(small.decodePayload("4a\u001e4bc")).hasSize(2);
        assertThatThrownBy(() -> small.decodePayload("4abc\u001e4bc")).isInstanceOf(EngineProtocolException.class);
        assertThat(small.decodeBinaryFrame(new byte[7]).data()).hasSize(7);
        assertThatThrownBy(() -> small.decodeBinaryFrame(new byte[8])).isInstanceOf(EngineProtocolException.class);
        assertThatThrownBy(() -> small.decodePayload(new byte[8])).isInstanceOf(EngineProtocolException.class);
        assertThatThrownBy(() -> new EngineDecoder(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultMaxPayloadIsAMegabyte() {
        assertThat(decoder.maxPayload()).isEqualTo(1_000_000);
        String justFits = "4" + "x".repeat(999_999);
        assertThat(decoder.decodeTextFrame(justFits)).isEqualTo(EnginePacket.message("x".repeat(999_999)));
        assertThatThrownBy(() -> decoder.decodeTextFrame(justFits + "x")).isInstanceOf(EngineProtocolException.class);
        assertThatThrownBy(() -> decoder.decodeTextFrame("4" + "€".repeat(333_334)))
                .isInstanceOf(EngineProtocolException.class);
    }

    @Test
    void handshakeRoundTrip() {
        Handshake handshake = new Handshake("lv_VI97HAXpY6yYWAAAC", List.of("websocket"), 25000, 5000, 1000000);
        assertThat(decoder.decodeHandshake(EngineEncoder.encodeHandshake(handshake))).isEqualTo(handshake);
        assertThat(decoder.decodeHandshake(EngineEncoder.encodeHandshake(Handshake.websocket("s"))))
                .isEqualTo(Handshake.websocket("s"));
    }

    @Test
    void handshakeDecodingIsStrict() {
        for (String bad : List.of("", "x", "[]", "{}", "{\"sid\":1}",
                "{\"sid\":\"s\",\"upgrades\":[1],\"pingInterval\":1,\"pingTimeout\":1,\"maxPayload\":1}",
                "{\"sid\":\"s\",\"upgrades\":[],\"pingInterval\":1.5,\"pingTimeout\":1,\"maxPayload\":1}",
                "{\"sid\":\" \",\"upgrades\":[],\"pingInterval\":1,\"pingTimeout\":1,\"maxPayload\":1}",
                "{\"sid\":\"s\",\"upgrades\":[],\"pingInterval\":0,\"pingTimeout\":1,\"maxPayload\":1}")) {
            assertThatThrownBy(() -> decoder.decodeHandshake(bad)).as(bad).isInstanceOf(EngineProtocolException.class);
        }
    }

    @Test
    void randomPacketsRoundTripThroughFramesAndPayloads() {
        Random random = new Random(42);
        for (int round = 0; round < 2_000; round++) {
            List<EnginePacket> packets = new ArrayList<>();
            int n = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                packets.add(randomPacket(random));
            }
            assertThat(decoder.decodePayload(EngineEncoder.encodePayload(packets))).isEqualTo(packets);
            assertThat(decoder.decodePayload(EngineEncoder.encodePayload(packets).getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(packets);
            for (EnginePacket packet : packets) {
                EnginePacket decoded = packet instanceof EnginePacket.Text text
                        ? decoder.decodeTextFrame(EngineEncoder.encodeTextFrame(text))
                        : decoder.decodeBinaryFrame(EngineEncoder.encodeBinaryFrame((EnginePacket.Binary) packet));
                assertThat(decoded).isEqualTo(packet);
            }
        }
    }

    private static EnginePacket randomPacket(Random random) {
        if (random.nextInt(3) == 0) {
            byte[] bytes = new byte[random.nextInt(20)];
            random.nextBytes(bytes);
            return EnginePacket.message(bytes);
        }
        EnginePacketType type = EnginePacketType.values()[random.nextInt(EnginePacketType.values().length)];
        StringBuilder data = new StringBuilder();
        String alphabet = "ab4b0[]{}\":,€🎉\u0000\n\\ ";
        for (int i = random.nextInt(15); i > 0; i--) {
            int cp = alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length()))));
            data.appendCodePoint(cp);
        }
        return new EnginePacket.Text(type, data.toString());
    }
}
