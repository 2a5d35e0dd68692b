package io.pgrealtime.gateway.transport.socketio.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.Json;

import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Encodes Engine.IO v4 packets: one packet per WebSocket frame, or several packets as one
 * HTTP long-polling payload.
 *
 * <ul>
 *   <li>WebSocket: a {@link EnginePacket.Text} becomes the text frame {@code <type digit><data>};
 *       a {@link EnginePacket.Binary} becomes a binary frame holding the bytes as they are.</li>
 *   <li>Polling: packets are joined by the record separator U+001E; a binary packet becomes
 *       {@code b<base64>}, since v4 always base64s binary in payloads.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe. Invalid arguments (such as an empty payload, or text holding the
 * record separator, which would split the record in two) are programming errors and throw
 * {@link IllegalArgumentException}.
 *
 * @see <a href="https://github.com/socketio/engine.io-protocol#packet-encoding">Engine.IO v4 packet encoding</a>
 */
public final class EngineEncoder {
    /** The record separator between packets of a polling payload. */
    public static final char RECORD_SEPARATOR = '\u001e';
    /** The character that starts a base64 binary record of a polling payload. */
    public static final char BINARY_PREFIX = 'b';

    private EngineEncoder() {
    }

    /** The WebSocket text frame for a text packet: {@code <type digit><data>}. */
    public static String encodeTextFrame(EnginePacket.Text packet) {
        return packet.type().code() + packet.data();
    }

    /** The WebSocket binary frame for a binary packet: the bytes themselves (not copied). */
    public static byte[] encodeBinaryFrame(EnginePacket.Binary packet) {
        return packet.data();
    }

    /**
     * One polling payload for the packets, in order.
     *
     * @throws IllegalArgumentException if {@code packets} is empty, or a text packet's data holds
     *                                  the record separator
     */
    public static String encodePayload(List<? extends EnginePacket> packets) {
        if (packets.isEmpty()) {
            throw new IllegalArgumentException("a payload holds at least one packet");
        }
        StringBuilder out = new StringBuilder();
        for (EnginePacket packet : packets) {
            if (out.length() > 0) {
                out.append(RECORD_SEPARATOR);
            }
            appendRecord(out, Objects.requireNonNull(packet, "packet"));
        }
        return out.toString();
    }

    private static void appendRecord(StringBuilder out, EnginePacket packet) {
        if (packet instanceof EnginePacket.Binary binary) {
            out.append(BINARY_PREFIX).append(Base64.getEncoder().encodeToString(binary.data()));
        } else {
            EnginePacket.Text text = (EnginePacket.Text) packet;
            // The v4 format assumes data never holds the separator; JSON escapes it, so only a
            // hand-made packet can, and it would reach the client as two broken packets.
            if (text.data().indexOf(RECORD_SEPARATOR) >= 0) {
                throw new IllegalArgumentException("packet data holds the record separator U+001E");
            }
            out.append(text.type().code()).append(text.data());
        }
    }

    /** The handshake JSON: {@code {"sid","upgrades","pingInterval","pingTimeout","maxPayload"}}, in that order. */
    public static String encodeHandshake(Handshake handshake) {
        ObjectNode node = Json.object();
        node.put("sid", handshake.sid());
        handshake.upgrades().forEach(node.putArray("upgrades")::add);
        node.put("pingInterval", handshake.pingInterval());
        node.put("pingTimeout", handshake.pingTimeout());
        node.put("maxPayload", handshake.maxPayload());
        try {
            return Json.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always serializes.
            throw new IllegalStateException(e);
        }
    }

    /** The {@link EnginePacketType#OPEN} packet carrying the handshake. */
    public static EnginePacket.Text openPacket(Handshake handshake) {
        return EnginePacket.open(encodeHandshake(handshake));
    }
}
