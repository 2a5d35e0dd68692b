package io.pgrealtime.gateway.transport.socketio.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.protocol.Json;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Decodes Engine.IO v4 packets from WebSocket frames and HTTP long-polling bodies.
 *
 * <p>Contract: for any input, either a packet (or a non-empty list of packets) comes back, or
 * {@link EngineProtocolException} is thrown; no other exception escapes. Refused: empty input or
 * an empty record, a type that is not {@code 0}–{@code 6} (or {@code b} for base64 binary),
 * invalid base64, invalid UTF-8 (byte input), and input longer than {@link #maxPayload()} bytes
 * of UTF-8.
 *
 * <p>A text packet with a {@code b} type is decoded as a base64 binary message both in payloads
 * and in WebSocket text frames, because clients with the {@code forceBase64} option send binary
 * that way over WebSocket too.
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://github.com/socketio/engine.io-protocol#packet-encoding">Engine.IO v4 packet encoding</a>
 */
public final class EngineDecoder {
    /** Default {@link #maxPayload()}: 1,000,000 bytes, the reference server's {@code maxHttpBufferSize}. */
    public static final int DEFAULT_MAX_PAYLOAD = 1_000_000;

    private final int maxPayload;

    /** A decoder accepting up to {@link #DEFAULT_MAX_PAYLOAD} bytes per frame or payload. */
    public EngineDecoder() {
        this(DEFAULT_MAX_PAYLOAD);
    }

    /** A decoder accepting up to {@code maxPayload} bytes per frame or payload; positive. */
    public EngineDecoder(int maxPayload) {
        if (maxPayload <= 0) {
            throw new IllegalArgumentException("maxPayload must be positive");
        }
        this.maxPayload = maxPayload;
    }

    /** The largest frame or polling body accepted, in bytes (UTF-8 for text). */
    public int maxPayload() {
        return maxPayload;
    }

    /**
     * One packet from a WebSocket text frame.
     *
     * @throws EngineProtocolException if the frame is empty, too large or not a packet
     */
    public EnginePacket decodeTextFrame(String frame) {
        checkSize(frame);
        return decodeRecord(frame, 0, frame.length());
    }

    /**
     * One binary {@link EnginePacketType#MESSAGE} from a WebSocket binary frame; the array is not
     * copied. An empty frame is an empty message (the spec gives binary frames no type byte).
     *
     * @throws EngineProtocolException if the frame is too large
     */
    public EnginePacket.Binary decodeBinaryFrame(byte[] frame) {
        if (frame.length > maxPayload) {
            throw tooLarge(frame.length);
        }
        return new EnginePacket.Binary(frame);
    }

    /**
     * The packets of a polling POST body, in order.
     *
     * @throws EngineProtocolException if the body is empty, too large, or any record is invalid
     */
    public List<EnginePacket> decodePayload(String body) {
        checkSize(body);
        if (body.isEmpty()) {
            throw new EngineProtocolException("empty payload");
        }
        List<EnginePacket> packets = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = body.indexOf(EngineEncoder.RECORD_SEPARATOR, start);
            if (end < 0) {
                packets.add(decodeRecord(body, start, body.length()));
                return packets;
            }
            packets.add(decodeRecord(body, start, end));
            start = end + 1;
        }
    }

    /**
     * The packets of a polling POST body given as bytes, which must be UTF-8.
     *
     * @throws EngineProtocolException as {@link #decodePayload(String)}, and for invalid UTF-8
     */
    public List<EnginePacket> decodePayload(byte[] body) {
        if (body.length > maxPayload) {
            throw tooLarge(body.length);
        }
        String text;
        try {
            // A replacing decoder would turn bad bytes into U+FFFD and pass them on as data.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new EngineProtocolException("payload is not valid UTF-8", e);
        }
        return decodePayload(text);
    }

    /**
     * The handshake in an {@link EnginePacketType#OPEN} packet's data; the client side of
     * {@link EngineEncoder#encodeHandshake(Handshake)}, for tests and tools.
     *
     * @throws EngineProtocolException if the JSON is invalid or lacks a field
     */
    public Handshake decodeHandshake(String json) {
        checkSize(json);
        JsonNode node;
        try {
            node = Json.mapper().readTree(json);
        } catch (Exception e) {
            // Jackson signals bad input mostly with JsonProcessingException, but some number
            // forms surface as NumberFormatException; all of them are the peer's fault.
            throw new EngineProtocolException("handshake is not valid JSON", e);
        }
        if (node == null || !node.isObject()
                || !node.path("sid").isTextual() || node.path("sid").textValue().isBlank()
                || !node.path("upgrades").isArray()
                || !positiveLong(node.path("pingInterval"))
                || !positiveLong(node.path("pingTimeout"))
                || !positiveLong(node.path("maxPayload"))) {
            throw new EngineProtocolException("handshake lacks a field: " + json);
        }
        List<String> upgrades = new ArrayList<>();
        for (JsonNode upgrade : node.get("upgrades")) {
            if (!upgrade.isTextual()) {
                throw new EngineProtocolException("handshake upgrades must be strings");
            }
            upgrades.add(upgrade.textValue());
        }
        return new Handshake(node.get("sid").textValue(), upgrades, node.get("pingInterval").longValue(),
                node.get("pingTimeout").longValue(), node.get("maxPayload").longValue());
    }

    private static boolean positiveLong(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong() && n.longValue() > 0;
    }

    private static EnginePacket decodeRecord(String s, int start, int end) {
        if (start == end) {
            throw new EngineProtocolException("empty packet");
        }
        char first = s.charAt(start);
        if (first == EngineEncoder.BINARY_PREFIX) {
            try {
                return new EnginePacket.Binary(Base64.getDecoder().decode(s.substring(start + 1, end)));
            } catch (IllegalArgumentException e) {
                throw new EngineProtocolException("invalid base64 in binary packet", e);
            }
        }
        return new EnginePacket.Text(EnginePacketType.forCode(first), s.substring(start + 1, end));
    }

    private void checkSize(String s) {
        // Cheap bound first: UTF-8 needs at least one byte per char and at most three.
        if (s.length() > maxPayload) {
            throw tooLarge(s.length());
        }
        if ((long) s.length() * 3 > maxPayload) {
            long bytes = utf8Length(s);
            if (bytes > maxPayload) {
                throw tooLarge(bytes);
            }
        }
    }

    private static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private EngineProtocolException tooLarge(long size) {
        return new EngineProtocolException("payload of " + size + " bytes exceeds the maximum of " + maxPayload);
    }
}
