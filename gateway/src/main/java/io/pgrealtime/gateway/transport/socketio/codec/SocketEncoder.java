package io.pgrealtime.gateway.transport.socketio.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.protocol.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a {@link SocketPacket} in the default Socket.IO v5 parser's format:
 *
 * <pre>
 * &lt;type&gt;[&lt;attachments&gt;-][&lt;namespace&gt;,][&lt;ack id&gt;][JSON payload without binary]
 * + binary attachments, one per following Engine.IO message
 * </pre>
 *
 * <p>For example {@code 2["event",{"a":1}]}, {@code 31["ok"]}, {@code 0/admin,{"token":"x"}},
 * {@code 1/admin,}, and for binary {@code 51-["upload",{"_placeholder":true,"num":0}]} plus one
 * attachment. The namespace is written only when it is not {@code /}.
 *
 * <p>Binary is found in the data, not taken from {@link SocketPacket#attachments()}: every
 * {@link com.fasterxml.jackson.databind.node.BinaryNode} becomes a placeholder and an attachment,
 * numbered depth-first, and an EVENT or ACK that holds binary is sent as BINARY_EVENT or
 * BINARY_ACK, as the reference encoder does. The packet's data is not modified.
 *
 * <p>Stateless and thread-safe.
 *
 * @see <a href="https://github.com/socketio/socket.io-protocol#packet-encoding">Socket.IO v5 packet encoding</a>
 */
public final class SocketEncoder {

    private SocketEncoder() {
    }

    /**
     * An encoded packet: the text, then the binary attachments in order. Each goes in its own
     * Engine.IO message; see {@link #toEnginePackets()}.
     *
     * @param text        the packet text, sent as an Engine.IO text message
     * @param attachments the binary attachments, each sent as an Engine.IO binary message;
     *                    immutable list, arrays not copied
     */
    public record Encoded(String text, List<byte[]> attachments) {
        public Encoded {
            attachments = List.copyOf(attachments);
        }

        /** The Engine.IO messages that carry this packet, in the order they must be sent. */
        public List<EnginePacket> toEnginePackets() {
            List<EnginePacket> packets = new ArrayList<>(1 + attachments.size());
            packets.add(EnginePacket.message(text));
            attachments.forEach(bytes -> packets.add(EnginePacket.message(bytes)));
            return packets;
        }
    }

    /**
     * Encodes one packet.
     *
     * @throws IllegalArgumentException if a CONNECT, DISCONNECT or CONNECT_ERROR holds binary data
     */
    public static Encoded encode(SocketPacket packet) {
        SocketPacketType type = packet.type();
        JsonNode data = packet.data();
        List<byte[]> attachments = new ArrayList<>();
        if (BinaryPlaceholders.count(data) > 0) {
            type = type.toBinary();
            data = BinaryPlaceholders.deconstruct(data, attachments);
        }
        StringBuilder text = new StringBuilder().append(type.code());
        if (type.isBinary()) {
            text.append(attachments.size()).append('-');
        }
        if (!SocketPacket.DEFAULT_NAMESPACE.equals(packet.namespace())) {
            text.append(packet.namespace()).append(',');
        }
        if (packet.ackId() != null) {
            text.append(packet.ackId().intValue());
        }
        if (data != null) {
            text.append(json(data));
        }
        return new Encoded(text.toString(), attachments);
    }

    /**
     * The text of a packet that holds no binary, such as {@code 2["event",{"a":1}]}.
     *
     * @throws IllegalArgumentException if the packet holds binary data
     */
    public static String encodeText(SocketPacket packet) {
        Encoded encoded = encode(packet);
        if (!encoded.attachments().isEmpty()) {
            throw new IllegalArgumentException("packet holds binary data; use encode()");
        }
        return encoded.text();
    }

    private static String json(JsonNode data) {
        try {
            return Json.mapper().writeValueAsString(data);
        } catch (JsonProcessingException e) {
            // Only a POJONode holding something unserializable gets here: the caller's bug.
            throw new IllegalArgumentException("packet data cannot be written as JSON", e);
        }
    }
}
