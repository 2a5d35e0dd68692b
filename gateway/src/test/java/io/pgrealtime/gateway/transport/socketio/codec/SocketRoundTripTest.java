package io.pgrealtime.gateway.transport.socketio.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pgrealtime.protocol.Json;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static io.pgrealtime.gateway.transport.socketio.codec.SocketPacketTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Encode then decode gives the packet back, alone and through the Engine.IO layer. */
class SocketRoundTripTest {

    @Test
    void everyTypeRoundTrips() {
        List<SocketPacket> packets = List.of(
                SocketPacket.connect("/", null),
                SocketPacket.connect("/admin", json("{\"token\":\"x\"}")),
                SocketPacket.disconnect("/"),
                SocketPacket.disconnect("/admin"),
                SocketPacket.event("event", json("{\"a\":1}")),
                SocketPacket.event("event", json("{\"a\":1}")).withAckId(5).withNamespace("/chat"),
                SocketPacket.ack(1, TextNode.valueOf("ok")),
                SocketPacket.ack(2).withNamespace("/admin"),
                SocketPacket.connectError("/", json("{\"message\":\"UNAUTHORIZED\",\"data\":{\"code\":\"UNAUTHORIZED\"}}")),
                SocketPacket.connectError("/x", TextNode.valueOf("no")),
                SocketPacket.event("upload", BinaryNode.valueOf(new byte[]{1, 2, 3})),
                SocketPacket.event("upload", BinaryNode.valueOf(new byte[0]), BinaryNode.valueOf(new byte[]{9}))
                        .withAckId(0).withNamespace("/files"),
                SocketPacket.ack(3, BinaryNode.valueOf(new byte[]{7})),
                new SocketPacket(SocketPacketType.BINARY_EVENT, "/", null, json("[\"e\"]"), 0),
                new SocketPacket(SocketPacketType.BINARY_ACK, "/", 4, json("[]"), 0));
        SocketDecoder decoder = new SocketDecoder();
        for (SocketPacket packet : packets) {
            assertThat(roundTrip(decoder, packet)).as(packet.toString()).isEqualTo(packet);
        }
    }

    @Test
    void randomPacketsRoundTrip() {
        Random random = new Random(99);
        SocketDecoder decoder = new SocketDecoder(Integer.MAX_VALUE);
        for (int round = 0; round < 5_000; round++) {
            SocketPacket packet = randomPacket(random);
            assertThat(roundTrip(decoder, packet)).as(packet.toString()).isEqualTo(packet);
        }
    }

    @Test
    void theSpecsSampleSessionOverPollingAndWebSocket() {
        EngineDecoder engine = new EngineDecoder();
        SocketDecoder socket = new SocketDecoder();

        // Request 2: the client's CONNECT in a polling POST.
        List<EnginePacket> post = engine.decodePayload("40");
        assertThat(socket.decodeText(((EnginePacket.Text) post.get(0)).data())).contains(SocketPacket.connect("/", null));

        // Request 3 and 4: the server's answers.
        assertThat(poll(SocketPacket.connect("/", json("{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}"))))
                .isEqualTo("40{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}");
        assertThat(poll(SocketPacket.event("hey", TextNode.valueOf("Jude")))).isEqualTo("42[\"hey\",\"Jude\"]");

        // Request 5: two events in one POST.
        List<SocketPacket> received = new ArrayList<>();
        for (EnginePacket p : engine.decodePayload("42[\"hello\"]\u001e42[\"world\"]")) {
            socket.decodeText(((EnginePacket.Text) p).data()).ifPresent(received::add);
        }
        assertThat(received).containsExactly(SocketPacket.event("hello"), SocketPacket.event("world"));

        // Request 6: WebSocket frames.
        assertThat(engine.decodeTextFrame("2probe")).isEqualTo(EnginePacket.ping("probe"));
        assertThat(EngineEncoder.encodeTextFrame(EnginePacket.pong("probe"))).isEqualTo("3probe");
        assertThat(engine.decodeTextFrame("5")).isEqualTo(EnginePacket.upgrade());
        EnginePacket connectAdmin = engine.decodeTextFrame("40/admin,");
        assertThat(socket.decodeText(((EnginePacket.Text) connectAdmin).data())).contains(SocketPacket.connect("/admin", null));
        EnginePacket tellme = engine.decodeTextFrame("42/admin,1[\"tellme\"]");
        assertThat(socket.decodeText(((EnginePacket.Text) tellme).data()))
                .contains(SocketPacket.event("tellme").withNamespace("/admin").withAckId(1));
        List<EnginePacket> answer = SocketEncoder.encode(
                SocketPacket.ack(1, BinaryNode.valueOf(new byte[]{1, 2, 3, 4})).withNamespace("/admin")).toEnginePackets();
        assertThat(EngineEncoder.encodeTextFrame((EnginePacket.Text) answer.get(0)))
                .isEqualTo("461-/admin,1[{\"_placeholder\":true,\"num\":0}]");
        assertThat(EngineEncoder.encodeBinaryFrame((EnginePacket.Binary) answer.get(1))).containsExactly(1, 2, 3, 4);
    }

    @Test
    void binaryPacketsInterleavedWithOthersInOnePollingPayload() {
        List<SocketPacket> sent = List.of(
                SocketPacket.event("a"),
                SocketPacket.event("upload", BinaryNode.valueOf(new byte[]{1, 2}),
                        Json.object().set("more", Json.mapper().createArrayNode().add(new byte[]{3}))).withAckId(4),
                SocketPacket.ack(4, TextNode.valueOf("done")),
                SocketPacket.ack(5, BinaryNode.valueOf(new byte[]{(byte) 0xff})).withNamespace("/n"),
                SocketPacket.disconnect("/n"));
        List<EnginePacket> engineOut = new ArrayList<>();
        sent.forEach(p -> engineOut.addAll(SocketEncoder.encode(p).toEnginePackets()));
        engineOut.add(1, EnginePacket.ping()); // Engine.IO control packets may sit between packets
        String body = EngineEncoder.encodePayload(engineOut);
        assertThat(body).contains("\u001ebAQI=\u001ebAw==\u001e").contains("\u001eb/w==\u001e");

        SocketDecoder socket = new SocketDecoder();
        List<SocketPacket> received = new ArrayList<>();
        for (EnginePacket p : new EngineDecoder().decodePayload(body)) {
            if (p instanceof EnginePacket.Binary binary) {
                socket.decodeBinary(binary.data()).ifPresent(received::add);
            } else if (p.type() == EnginePacketType.MESSAGE) {
                socket.decodeText(((EnginePacket.Text) p).data()).ifPresent(received::add);
            }
        }
        assertThat(received).isEqualTo(sent);
    }

    private static String poll(SocketPacket packet) {
        return EngineEncoder.encodePayload(SocketEncoder.encode(packet).toEnginePackets());
    }

    static SocketPacket roundTrip(SocketDecoder decoder, SocketPacket packet) {
        SocketEncoder.Encoded encoded = SocketEncoder.encode(packet);
        Optional<SocketPacket> decoded = decoder.decodeText(encoded.text());
        for (byte[] attachment : encoded.attachments()) {
            assertThat(decoded).isEmpty();
            decoded = decoder.decodeBinary(attachment);
        }
        assertThat(decoder.isAwaitingAttachments()).isFalse();
        return decoded.orElseThrow();
    }

    private static SocketPacket randomPacket(Random random) {
        String namespace = random.nextBoolean() ? "/" : "/" + Fuzz.string(random, "abc/?=&é🎉 -_.", 12);
        return switch (random.nextInt(6)) {
            case 0 -> SocketPacket.connect(namespace, random.nextBoolean() ? null : randomObject(random, 3, false));
            case 1 -> SocketPacket.disconnect(namespace);
            case 2 -> SocketPacket.connectError(namespace, random.nextBoolean()
                    ? TextNode.valueOf(randomText(random)) : randomObject(random, 3, false));
            case 3 -> {
                SocketPacket p = SocketPacket.event("e" + randomText(random), randomArgs(random)).withNamespace(namespace);
                yield random.nextBoolean() ? p : p.withAckId(random.nextInt(Integer.MAX_VALUE));
            }
            default -> SocketPacket.ack(random.nextInt(Integer.MAX_VALUE), randomArgs(random)).withNamespace(namespace);
        };
    }

    private static JsonNode[] randomArgs(Random random) {
        JsonNode[] args = new JsonNode[random.nextInt(4)];
        for (int i = 0; i < args.length; i++) {
            args[i] = randomValue(random, 3, true);
        }
        return args;
    }

    private static JsonNode randomValue(Random random, int depth, boolean binary) {
        int kind = random.nextInt(depth > 0 ? 9 : 7);
        return switch (kind) {
            case 0 -> Json.nodes().nullNode();
            case 1 -> Json.nodes().booleanNode(random.nextBoolean());
            case 2 -> Json.nodes().numberNode(random.nextInt());
            case 3 -> Json.nodes().numberNode(new BigDecimal(random.nextInt(100_000)).movePointLeft(random.nextInt(6) + 1));
            case 4 -> TextNode.valueOf(randomText(random));
            case 5, 6 -> binary ? BinaryNode.valueOf(Fuzz.bytes(random, 6)) : TextNode.valueOf("");
            case 7 -> randomObject(random, depth - 1, binary);
            default -> {
                ArrayNode array = Json.mapper().createArrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(random, depth - 1, binary));
                }
                yield array;
            }
        };
    }

    private static ObjectNode randomObject(Random random, int depth, boolean binary) {
        ObjectNode object = Json.object();
        for (int i = random.nextInt(4); i > 0; i--) {
            object.set(randomText(random), randomValue(random, depth, binary));
        }
        return object;
    }

    private static String randomText(Random random) {
        return Fuzz.string(random, "ab\"\\/\u0000\u001e\n,[]{}:é🎉 ", 10);
    }
}
