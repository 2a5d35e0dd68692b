package io.pgrealtime.gateway.transport.socketio.codec;

import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every way a Socket.IO packet can be wrong, and random garbage: only SocketProtocolException
 * escapes, and the decoder is left FAILED.
 */
class SocketMalformedInputTest {
    private static final String P0 = "{\"_placeholder\":true,\"num\":0}";

    static Stream<Arguments> malformedText() {
        return Stream.of(
                // bad type digit
                arguments("", "empty packet"),
                arguments("7", "unknown packet type '7'"),
                arguments("9[\"a\"]", "unknown packet type '9'"),
                arguments("a", "unknown packet type 'a'"),
                arguments("[\"a\"]", "unknown packet type '['"),
                arguments(" 2[\"a\"]", "unknown packet type ' '"),
                arguments("\u00002", "unknown packet type U+0000"),
                arguments("٢[\"a\"]", "unknown packet type U+0662"),
                // bad attachment header
                arguments("5[\"a\"]", "needs '<attachments>-'"),
                arguments("5-[\"a\"]", "needs '<attachments>-'"),
                arguments("51[\"a\"," + P0 + "]", "needs '<attachments>-'"),
                arguments("5x-[\"a\"]", "needs '<attachments>-'"),
                arguments("51", "needs '<attachments>-'"),
                arguments("6٣-1[]", "needs '<attachments>-'"),
                // too many attachments
                arguments("511-[\"a\"]", "too many attachments: 11 > 10"),
                arguments("5999999999-[\"a\"]", "too many attachments"),
                arguments("5" + "9".repeat(40) + "-[\"a\"]", "too many attachments"),
                // bad namespace
                arguments("2/adm\u0001in,[\"a\"]", "bad namespace"),
                arguments("2/adm\u001ein,[\"a\"]", "bad namespace"),
                arguments("0/admin\n", "bad namespace"),
                arguments("2/" + "a".repeat(256) + ",[\"a\"]", "bad namespace"),
                arguments("0/" + "a".repeat(100_000), "bad namespace"),
                // non-numeric or out-of-range ack id
                arguments("2x[\"a\"]", "expected an ack id or a JSON"),
                arguments("2/admin,x1[\"a\"]", "expected an ack id or a JSON"),
                arguments("21x[\"a\"]", "expected a JSON array, object or string at index 2, found 'x'"),
                arguments("3abc[]", "expected an ack id"),
                arguments("3-1[]", "expected an ack id"),
                arguments("3 1[]", "expected an ack id"),
                arguments("31 []", "expected a JSON"),
                arguments("2admin,[\"a\"]", "expected an ack id"),
                arguments("22147483648[\"a\"]", "ack id out of range"),
                arguments("299999999999[\"a\"]", "ack id out of range"),
                arguments("2" + "1".repeat(5_000) + "[\"a\"]", "ack id out of range"),
                // invalid JSON
                arguments("2[\"a\"", "invalid JSON"),
                arguments("2[\"a\"]]", "invalid JSON"),
                arguments("2[\"a\"] [1]", "invalid JSON"),
                arguments("2[\"a\",]", "invalid JSON"),
                arguments("2['a']", "invalid JSON"),
                arguments("2[\"a\",NaN]", "invalid JSON"),
                arguments("2[\"a\",01]", "invalid JSON"),
                arguments("0{\"a\":}", "invalid JSON"),
                arguments("0{a:1}", "invalid JSON"),
                arguments("4\"unterminated", "invalid JSON"),
                arguments("2[\"a\",\"\u0001\"]", "invalid JSON"),
                arguments("2" + "[".repeat(5_000) + "]".repeat(5_000), "invalid JSON"),
                // payload does not suit the type
                arguments("2", "EVENT payload must be a non-empty array"),
                arguments("2/admin,", "EVENT payload must be a non-empty array"),
                arguments("2[]", "EVENT payload must be a non-empty array"),
                arguments("2{}", "EVENT payload must be a non-empty array"),
                arguments("2\"a\"", "EVENT payload must be a non-empty array"),
                arguments("21", "EVENT payload must be a non-empty array"),
                arguments("2[1]", "EVENT name (the first element) must be a string"),
                arguments("2[null]", "must be a string"),
                arguments("2[[\"a\"]]", "must be a string"),
                arguments("2[{\"a\":1}]", "must be a string"),
                arguments("2[\"disconnect\"]", "reserved event name 'disconnect'"),
                arguments("2[\"connect\"]", "reserved event name"),
                arguments("2[\"newListener\"]", "reserved event name"),
                arguments("3[]", "ACK needs an ack id"),
                arguments("3[\"a\"]", "ACK needs an ack id"),
                arguments("31", "ACK payload must be an array"),
                arguments("31{}", "ACK payload must be an array"),
                arguments("31\"a\"", "ACK payload must be an array"),
                arguments("0[]", "CONNECT payload must be an object"),
                arguments("0\"a\"", "CONNECT payload must be an object"),
                arguments("01{}", "CONNECT takes no ack id"),
                arguments("1{}", "DISCONNECT takes no payload"),
                arguments("1/admin,[]", "DISCONNECT takes no payload"),
                arguments("17", "DISCONNECT takes no ack id"),
                arguments("4", "CONNECT_ERROR payload must be an object or a string"),
                arguments("4[]", "CONNECT_ERROR payload must be an object or a string"),
                arguments("41{}", "CONNECT_ERROR takes no ack id"),
                arguments("50-", "BINARY_EVENT payload must be a non-empty array"),
                arguments("51-[" + P0 + "]", "BINARY_EVENT name (the first element) must be a string"),
                arguments("61-[" + P0 + "]", "BINARY_ACK needs an ack id"),
                arguments("60-1{}", "BINARY_ACK payload must be an array"),
                // attachment count mismatch
                arguments("51-[\"a\"]", "attachments count mismatch: 1 announced, 0 placeholders"),
                arguments("50-[\"a\"," + P0 + "]", "attachments count mismatch"),
                arguments("52-[\"a\"," + P0 + "]", "attachments count mismatch: 2 announced, 1 placeholders"),
                arguments("52-[\"a\"," + P0 + "," + P0 + "]", "placeholder 0 repeated"),
                arguments("51-[\"a\",{\"_placeholder\":true,\"num\":1}]", "placeholder 1 of 1 attachments"),
                arguments("51-[\"a\",{\"_placeholder\":true,\"num\":-1}]", "placeholder -1"),
                arguments("61-1[[[{\"x\":" + P0 + "," + "\"y\":" + P0 + "}]]]", "repeated"),
                // malformed placeholders
                arguments("51-[\"a\",{\"_placeholder\":true}]", "malformed placeholder"),
                arguments("51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]", "malformed placeholder"),
                arguments("51-[\"a\",{\"_placeholder\":true,\"num\":0.5}]", "malformed placeholder"),
                arguments("51-[\"a\",{\"_placeholder\":true,\"num\":1e0}]", "malformed placeholder"),
                arguments("51-[\"a\",{\"_placeholder\":true,\"num\":99999999999}]", "malformed placeholder"),
                arguments("51-[\"a\",{\"_placeholder\":true,\"num\":0,\"x\":1}]", "malformed placeholder"));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("malformedText")
    void malformedTextIsRefused(String text, String message) {
        SocketDecoder decoder = new SocketDecoder();
        assertThatThrownBy(() -> decoder.decodeText(text))
                .isInstanceOf(SocketProtocolException.class)
                .hasMessageContaining(message);
        assertThat(decoder.isFailed()).isTrue();
    }

    @Test
    void unexpectedBinaryIsRefused() {
        SocketDecoder decoder = new SocketDecoder();
        assertThatThrownBy(() -> decoder.decodeBinary(new byte[]{1}))
                .isInstanceOf(SocketProtocolException.class)
                .hasMessageContaining("unexpected binary message");

        SocketDecoder afterComplete = new SocketDecoder();
        afterComplete.decodeText("51-[\"a\"," + P0 + "]");
        assertThat(afterComplete.decodeBinary(new byte[]{1})).isPresent();
        assertThatThrownBy(() -> afterComplete.decodeBinary(new byte[]{2}))
                .isInstanceOf(SocketProtocolException.class)
                .hasMessageContaining("unexpected binary message");
    }

    @Test
    void textWhileAttachmentsAreAwaitedIsRefused() {
        SocketDecoder decoder = new SocketDecoder();
        decoder.decodeText("52-[\"a\"," + P0 + ",{\"_placeholder\":true,\"num\":1}]");
        decoder.decodeBinary(new byte[]{1});
        assertThatThrownBy(() -> decoder.decodeText("2[\"b\"]"))
                .isInstanceOf(SocketProtocolException.class)
                .hasMessageContaining("got text while awaiting attachment 2 of 2");
    }

    @Test
    void extremeJsonNeverEscapesAsAnotherException() {
        List<String> inputs = List.of(
                "2[\"a\",1e999999999999]",
                "2[\"a\",1e-2147483649]",
                "2[\"a\",-0.0e-0]",
                "2[\"a\"," + "9".repeat(200_000) + "]",
                "2[\"a\",0." + "1".repeat(200_000) + "]",
                "2[\"a\",\"\\ud800\"]",
                "2[\"a\",\"\\u12\"]",
                "2[\"" + "x".repeat(1_000_000) + "\"]",
                "0{\"a\":1,\"a\":2}");
        for (String input : inputs) {
            try {
                new SocketDecoder().decodeText(input);
            } catch (SocketProtocolException e) {
                // refused: fine; anything else fails the test
            }
        }
    }

    private static final String ALPHABET = "0123456789-/,[]{}\":_ placeholdertruenum\u001e\u0000\\é🎉xa";
    private static final List<String> TOKENS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "-", "/", "/admin", ",",
            "[", "]", "{", "}", "\"", ":", "\"_placeholder\"", "true", "\"num\"", "0", "1", "12", "\"e\"", "null",
            P0, "{\"_placeholder\":true,\"num\":1}", "\u001e", " ", "🎉", "\\", "99999999999",
            "1-", "2-", "[\"e\",", "[\"e\"," + P0 + "]");

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void randomStringsYieldPacketsOrSocketProtocolException() {
        Random random = new Random(5);
        Outcomes outcomes = new Outcomes();
        for (int round = 0; round < 10_000; round++) {
            String text = switch (round % 3) {
                case 0 -> Fuzz.string(random, ALPHABET, 60);
                case 1 -> Fuzz.anyString(random, 60);
                default -> tokens(random);
            };
            feed(new SocketDecoder(), random, text, outcomes);
        }
        assertThat(outcomes.refused).isGreaterThan(5_000);
        assertThat(outcomes.decoded).isGreaterThan(100);
        // Random text rarely forms a valid binary header; the mutation test below covers those.
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void mutatedValidPacketsYieldPacketsOrSocketProtocolException() {
        List<String> valid = List.of(
                "0", "0/admin,{\"token\":\"x\"}", "1/admin,", "2[\"event\",{\"a\":1}]", "212[\"foo\"]", "31[\"ok\"]",
                "3/admin,13[\"bar\"]", "4{\"message\":\"Not authorized\"}",
                "51-[\"upload\"," + P0 + "]",
                "52-/admin,[\"baz\"," + P0 + ",{\"_placeholder\":true,\"num\":1}]",
                "61-/admin,1[" + P0 + "]",
                SocketEncoder.encode(SocketPacket.event("x", BinaryNode.valueOf(new byte[]{1}), TextNode.valueOf("y"),
                        BinaryNode.valueOf(new byte[]{2})).withAckId(3)).text());
        Random random = new Random(11);
        Outcomes outcomes = new Outcomes();
        for (int round = 0; round < 10_000; round++) {
            String text = Fuzz.mutate(random, valid.get(random.nextInt(valid.size())), ALPHABET);
            feed(new SocketDecoder(), random, text, outcomes);
        }
        assertThat(outcomes.refused).isGreaterThan(1_000);
        assertThat(outcomes.decoded).isGreaterThan(1_000);
        assertThat(outcomes.awaited).isGreaterThan(100);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void randomSequencesOfTextAndBinaryOnOneDecoder() {
        Random random = new Random(3);
        SocketDecoder decoder = new SocketDecoder();
        Outcomes outcomes = new Outcomes();
        for (int round = 0; round < 10_000; round++) {
            try {
                if (random.nextInt(4) == 0) {
                    decoder.decodeBinary(Fuzz.bytes(random, 8)).ifPresent(p -> outcomes.decoded++);
                } else {
                    decoder.decodeText(tokens(random)).ifPresentOrElse(p -> outcomes.decoded++, () -> outcomes.awaited++);
                }
            } catch (SocketProtocolException e) {
                outcomes.refused++;
                assertThat(decoder.isFailed()).isTrue();
                decoder.reset();
            }
        }
        assertThat(outcomes.refused).isPositive();
        assertThat(outcomes.decoded).isPositive();
    }

    private static final class Outcomes {
        int decoded;
        int awaited;
        int refused;
    }

    /** Feeds one text, then, while attachments are awaited, random binaries or a stray text. */
    private static void feed(SocketDecoder decoder, Random random, String text, Outcomes outcomes) {
        try {
            if (decoder.decodeText(text).isPresent()) {
                outcomes.decoded++;
                return;
            }
            outcomes.awaited++;
            for (int i = 0; i < 12 && decoder.isAwaitingAttachments(); i++) {
                if (random.nextInt(10) == 0) {
                    decoder.decodeText(text);
                } else if (decoder.decodeBinary(Fuzz.bytes(random, 8)).isPresent()) {
                    outcomes.decoded++;
                }
            }
        } catch (SocketProtocolException e) {
            outcomes.refused++;
            assertThat(decoder.isFailed()).isTrue();
        }
    }

    private static String tokens(Random random) {
        StringBuilder s = new StringBuilder();
        s.append("0123456".charAt(random.nextInt(7)));
        for (int i = random.nextInt(12); i > 0; i--) {
            s.append(TOKENS.get(random.nextInt(TOKENS.size())));
        }
        return s.toString();
    }
}
