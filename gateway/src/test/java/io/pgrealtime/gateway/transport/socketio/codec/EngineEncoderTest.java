package io.pgrealtime.gateway.transport.socketio.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineEncoderTest {

    @ParameterizedTest
    @EnumSource(EnginePacketType.class)
    void everyTypeIsItsDigitThenTheData(EnginePacketType type) {
        assertThat(EngineEncoder.encodeTextFrame(new EnginePacket.Text(type, ""))).isEqualTo(String.valueOf(type.code()));
        assertThat(EngineEncoder.encodeTextFrame(new EnginePacket.Text(type, "data"))).isEqualTo(type.code() + "data");
    }

    @Test
    void typeDigitsAreTheSpecs() {
        assertThat(EnginePacketType.values()).extracting(EnginePacketType::code)
                .containsExactly('0', '1', '2', '3', '4', '5', '6');
        assertThat(EnginePacketType.values()).containsExactly(EnginePacketType.OPEN, EnginePacketType.CLOSE,
                EnginePacketType.PING, EnginePacketType.PONG, EnginePacketType.MESSAGE, EnginePacketType.UPGRADE,
                EnginePacketType.NOOP);
    }

    @Test
    void factoriesBuildTheSpecsFrames() {
        assertThat(EngineEncoder.encodeTextFrame(EnginePacket.close())).isEqualTo("1");
        assertThat(EngineEncoder.encodeTextFrame(EnginePacket.ping())).isEqualTo("2");
        assertThat(EngineEncoder.encodeTextFrame(EnginePacket.ping("probe"))).isEqualTo("2probe");
        assertThat(EngineEncoder.encodeTextFrame(EnginePacket.pong())).isEqualTo("3");
        assertThat(EngineEncoder.encodeTextFrame(EnginePacket.pong("probe"))).isEqualTo("3probe");
        assertThat(EngineEncoder.encodeTextFrame(EnginePacket.message("hello"))).isEqualTo("4hello");
        assertThat(EngineEncoder.encodeTextFrame(EnginePacket.message("€ and 🎉"))).isEqualTo("4€ and 🎉");
        assertThat(EngineEncoder.encodeTextFrame(EnginePacket.upgrade())).isEqualTo("5");
        assertThat(EngineEncoder.encodeTextFrame(EnginePacket.noop())).isEqualTo("6");
    }

    @Test
    void aTextFrameMayHoldTheRecordSeparator() {
        assertThat(EngineEncoder.encodeTextFrame(EnginePacket.message("a\u001eb"))).isEqualTo("4a\u001eb");
    }

    @Test
    void binaryFramesAreTheBytesAsTheyAre() {
        byte[] bytes = {1, 2, 3, 4, 0, (byte) 0xff};
        assertThat(EngineEncoder.encodeBinaryFrame(EnginePacket.message(bytes))).isSameAs(bytes);
        assertThat(EngineEncoder.encodeBinaryFrame(EnginePacket.message(new byte[0]))).isEmpty();
    }

    @Test
    void aPayloadJoinsPacketsWithTheRecordSeparator() {
        String payload = EngineEncoder.encodePayload(List.of(
                EnginePacket.message("hello"), EnginePacket.ping(), EnginePacket.message("world")));
        assertThat(payload).isEqualTo("4hello\u001e2\u001e4world");
    }

    @Test
    void aPayloadBase64sBinaryPackets() {
        String payload = EngineEncoder.encodePayload(List.of(
                EnginePacket.message("hello"), EnginePacket.message(new byte[]{1, 2, 3, 4})));
        assertThat(payload).isEqualTo("4hello\u001ebAQIDBA==");
    }

    @Test
    void aPayloadMixesSeveralBinaryAndTextPackets() {
        String payload = EngineEncoder.encodePayload(List.of(
                EnginePacket.message("451-[\"upload\",{\"_placeholder\":true,\"num\":0}]"),
                EnginePacket.message(new byte[]{1, 2}),
                EnginePacket.message(new byte[0]),
                EnginePacket.noop(),
                EnginePacket.message("x".getBytes(StandardCharsets.UTF_8))));
        assertThat(payload).isEqualTo("4451-[\"upload\",{\"_placeholder\":true,\"num\":0}]"
                + "\u001ebAQI=\u001eb\u001e6\u001ebeA==");
    }

    @Test
    void aSinglePacketPayloadHasNoSeparator() {
        assertThat(EngineEncoder.encodePayload(List.of(EnginePacket.noop()))).isEqualTo("6");
    }

    @Test
    void refusesAnEmptyPayload() {
        assertThatThrownBy(() -> EngineEncoder.encodePayload(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesTextHoldingTheRecordSeparatorInAPayload() {
        assertThatThrownBy(() -> EngineEncoder.encodePayload(List.of(EnginePacket.message("a\u001eb"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("record separator");
    }

    @Test
    void handshakeJsonHasTheSpecsKeysInOrder() {
        assertThat(EngineEncoder.encodeHandshake(Handshake.polling("lv_VI97HAXpY6yYWAAAC"))).isEqualTo(
                "{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
                        + "\"pingTimeout\":20000,\"maxPayload\":1000000}");
        assertThat(EngineEncoder.encodeHandshake(Handshake.websocket("abc"))).isEqualTo(
                "{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}");
        assertThat(EngineEncoder.encodeHandshake(new Handshake("s\"id", List.of("websocket"), 1, 2, 3))).isEqualTo(
                "{\"sid\":\"s\\\"id\",\"upgrades\":[\"websocket\"],\"pingInterval\":1,\"pingTimeout\":2,\"maxPayload\":3}");
    }

    @Test
    void openPacketCarriesTheHandshake() {
        EnginePacket.Text open = EngineEncoder.openPacket(Handshake.polling("sid1"));
        assertThat(open.type()).isEqualTo(EnginePacketType.OPEN);
        assertThat(EngineEncoder.encodeTextFrame(open)).isEqualTo("0{\"sid\":\"sid1\",\"upgrades\":[\"websocket\"],"
                + "\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}");
    }

    @Test
    void handshakeValidatesItsFields() {
        assertThat(Handshake.polling("x").upgrades()).containsExactly("websocket");
        assertThatThrownBy(() -> Handshake.polling(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Handshake("x", List.of(), 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Handshake("x", List.of(), 1, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Handshake("x", List.of(), 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void binaryPacketsAreValuesComparedByContent() {
        assertThat(EnginePacket.message(new byte[]{1, 2})).isEqualTo(EnginePacket.message(new byte[]{1, 2}))
                .hasSameHashCodeAs(EnginePacket.message(new byte[]{1, 2}))
                .isNotEqualTo(EnginePacket.message(new byte[]{1, 3}))
                .isNotEqualTo(EnginePacket.message("\u0001\u0002"));
        assertThat(EnginePacket.message(new byte[3]).type()).isEqualTo(EnginePacketType.MESSAGE);
        assertThat(EnginePacket.message(new byte[3])).hasToString("Binary[3 bytes]");
    }
}
