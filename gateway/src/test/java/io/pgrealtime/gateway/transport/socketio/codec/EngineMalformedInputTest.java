package io.pgrealtime.gateway.transport.socketio.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every way Engine.IO input can be wrong, and random garbage: only EngineProtocolException escapes. */
class EngineMalformedInputTest {
    private final EngineDecoder decoder = new EngineDecoder(64);

    static Stream<Arguments> malformedFrames() {
        return Stream.of(
                arguments("", "empty packet"),
                arguments("7", "unknown packet type '7'"),
                arguments("9hello", "unknown packet type '9'"),
                arguments("/", "unknown packet type '/'"),
                arguments("x", "unknown packet type 'x'"),
                arguments("B", "unknown packet type 'B'"),
                arguments(" 4hello", "unknown packet type ' '"),
                arguments("\u00004", "unknown packet type U+0000"),
                arguments("\u001e", "unknown packet type U+001E"),
                arguments("٤hello", "unknown packet type U+0664"), // Arabic-Indic four is not '4'
                arguments("b!!!!", "invalid base64"),
                arguments("bAQID BA==", "invalid base64"),
                arguments("bAQ-_", "invalid base64"), // URL-safe alphabet is not base64
                arguments("bA", "invalid base64"),
                arguments("bAQIDBA==x", "invalid base64"),
                arguments("4" + "x".repeat(64), "exceeds the maximum"));
    }

    @ParameterizedTest(name = "frame [{0}]")
    @MethodSource("malformedFrames")
    void malformedTextFramesAreRefused(String frame, String message) {
        assertThatThrownBy(() -> decoder.decodeTextFrame(frame))
                .isInstanceOf(EngineProtocolException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "payload [{0}]")
    @MethodSource("malformedFrames")
    void malformedRecordsAreRefusedInPayloads(String record, String message) {
        // In a payload the record separator splits; an empty record is then the error.
        String expected = record.isEmpty() ? "empty payload" : record.contains("\u001e") ? "empty packet" : message;
        assertThatThrownBy(() -> decoder.decodePayload(record))
                .isInstanceOf(EngineProtocolException.class)
                .hasMessageContaining(expected);
        if (!record.isEmpty()) {
            assertThatThrownBy(() -> decoder.decodePayload("4ok\u001e" + record))
                    .isInstanceOf(EngineProtocolException.class);
        }
    }

    static Stream<Arguments> malformedPayloads() {
        return Stream.of(
                arguments("\u001e", "empty packet"),
                arguments("4a\u001e", "empty packet"),
                arguments("\u001e4a", "empty packet"),
                arguments("4a\u001e\u001e4b", "empty packet"),
                arguments("4a\u001e8", "unknown packet type"),
                arguments("4a\u001ebAQ!D", "invalid base64"),
                arguments("4a\u001eb====", "invalid base64"));
    }

    @ParameterizedTest(name = "payload [{0}]")
    @MethodSource("malformedPayloads")
    void malformedPayloadsAreRefused(String body, String message) {
        assertThatThrownBy(() -> decoder.decodePayload(body))
                .isInstanceOf(EngineProtocolException.class)
                .hasMessageContaining(message);
    }

    @Test
    void invalidUtf8IsRefused() {
        for (byte[] bad : new byte[][]{{'4', (byte) 0xff}, {'4', (byte) 0xc3}, {'4', (byte) 0xed, (byte) 0xa0, (byte) 0x80},
                {'4', (byte) 0xc0, (byte) 0xaf}}) {
            assertThatThrownBy(() -> decoder.decodePayload(bad))
                    .isInstanceOf(EngineProtocolException.class)
                    .hasMessageContaining("UTF-8");
        }
        assertThatThrownBy(() -> decoder.decodePayload(new byte[0])).isInstanceOf(EngineProtocolException.class)
                .hasMessageContaining("empty payload");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void randomStringsYieldPacketsOrEngineProtocolException() {
        Random random = new Random(20240601);
        String alphabet = "0123456bB4x/\u001e=+AQIDBA!-_ \u0000€🎉";
        int decoded = 0;
        int refused = 0;
        for (int round = 0; round < 10_000; round++) {
            String input = round % 2 == 0 ? Fuzz.string(random, alphabet, 80) : Fuzz.anyString(random, 80);
            try {
                assertThat(decoder.decodeTextFrame(input)).isNotNull();
                decoded++;
            } catch (EngineProtocolException e) {
                refused++;
            }
            try {
                assertThat(decoder.decodePayload(input)).isNotEmpty();
                decoded++;
            } catch (EngineProtocolException e) {
                refused++;
            }
        }
        // The fuzzer must reach both outcomes, or it tests nothing.
        assertThat(decoded).isGreaterThan(1_000);
        assertThat(refused).isGreaterThan(1_000);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void randomBytesYieldPacketsOrEngineProtocolException() {
        Random random = new Random(7);
        int decoded = 0;
        for (int round = 0; round < 10_000; round++) {
            byte[] input = Fuzz.bytes(random, 100);
            if (round % 3 == 0) {
                input[0] = (byte) "0123456b".charAt(random.nextInt(8));
            }
            try {
                assertThat(decoder.decodePayload(input)).isNotEmpty();
                decoded++;
            } catch (EngineProtocolException e) {
                // refused: fine
            }
            try {
                assertThat(decoder.decodeBinaryFrame(input).data()).isSameAs(input);
            } catch (EngineProtocolException e) {
                assertThat(input.length).isGreaterThan(64);
            }
        }
        assertThat(decoded).isGreaterThan(50);
    }
}
