package io.pgrealtime.gateway.transport.socketio.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.pgrealtime.protocol.Json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One Socket.IO v5 packet, binary attachments in place: binary data is a {@link BinaryNode}
 * anywhere inside {@link #data()}.
 *
 * <p>Always valid: the constructor enforces the per-type rules of {@link SocketPacketType}
 * (payload shape, ack id presence) and a valid namespace, and throws
 * {@link IllegalArgumentException} otherwise. {@link SocketDecoder} checks the same rules first,
 * so peers get {@link SocketProtocolException} instead.
 *
 * <p>The {@code data} tree is not copied, and Jackson trees are mutable: treat a packet's data as
 * read-only once the packet is built.
 *
 * @param type        the packet type
 * @param namespace   the namespace, {@code /} when null; starts with {@code /}, at most
 *                    {@value #MAX_NAMESPACE_LENGTH} characters, no comma and no control character
 * @param ackId       the acknowledgement id, or null; non-negative
 * @param data        the JSON payload, or null when the packet has none
 * @param attachments how many binary attachments a BINARY_EVENT or BINARY_ACK carries; 0 for
 *                    the other types. The factories count them; {@link SocketEncoder} always
 *                    recounts from the data, so this field is informational when encoding
 * @see <a href="https://github.com/socketio/socket.io-protocol#exchange-protocol">Socket.IO v5 exchange protocol</a>
 */
public record SocketPacket(SocketPacketType type, String namespace, Integer ackId, JsonNode data, int attachments) {
    /** The main namespace, left out on the wire. */
    public static final String DEFAULT_NAMESPACE = "/";
    /** Longest namespace accepted. */
    public static final int MAX_NAMESPACE_LENGTH = 256;

    public SocketPacket {
        Objects.requireNonNull(type, "type");
        if (namespace == null) {
            namespace = DEFAULT_NAMESPACE;
        }
        String problem = namespaceProblem(namespace);
        if (problem == null) {
            problem = type.ackIdProblem(ackId);
        }
        if (problem == null) {
            problem = type.dataProblem(data);
        }
        if (problem == null && (attachments < 0 || (attachments > 0 && !type.isBinary()))) {
            problem = type + " cannot announce " + attachments + " attachments";
        }
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * An event in the main namespace: {@code ["name", ...args]}; a BINARY_EVENT if any argument
     * holds a {@link BinaryNode}. A null argument is sent as JSON {@code null}.
     */
    public static SocketPacket event(String name, JsonNode... args) {
        ArrayNode data = Json.mapper().createArrayNode().add(Objects.requireNonNull(name, "name"));
        addAll(data, args);
        return withBinaryCount(SocketPacketType.EVENT, DEFAULT_NAMESPACE, null, data);
    }

    /**
     * The answer to the event with ack id {@code id}, in the main namespace: {@code [...args]};
     * a BINARY_ACK if any argument holds a {@link BinaryNode}.
     */
    public static SocketPacket ack(int id, JsonNode... args) {
        ArrayNode data = Json.mapper().createArrayNode();
        addAll(data, args);
        return withBinaryCount(SocketPacketType.ACK, DEFAULT_NAMESPACE, id, data);
    }

    /** A CONNECT for {@code namespace}; {@code data} (an object, or null) is the auth or {@code {sid}}. */
    public static SocketPacket connect(String namespace, JsonNode data) {
        return new SocketPacket(SocketPacketType.CONNECT, namespace, null, data, 0);
    }

    /** A CONNECT_ERROR for {@code namespace}; {@code data} is {@code {message, data?}}. */
    public static SocketPacket connectError(String namespace, JsonNode data) {
        return new SocketPacket(SocketPacketType.CONNECT_ERROR, namespace, null, data, 0);
    }

    /** A DISCONNECT from {@code namespace}. */
    public static SocketPacket disconnect(String namespace) {
        return new SocketPacket(SocketPacketType.DISCONNECT, namespace, null, null, 0);
    }

    /** This packet in another namespace. */
    public SocketPacket withNamespace(String namespace) {
        return new SocketPacket(type, namespace, ackId, data, attachments);
    }

    /** This packet with another ack id (null for none): an event that wants an answer. */
    public SocketPacket withAckId(Integer ackId) {
        return new SocketPacket(type, namespace, ackId, data, attachments);
    }

    /** The event name of an EVENT or BINARY_EVENT, else null. */
    public String eventName() {
        return type.isEvent() ? data.get(0).textValue() : null;
    }

    /**
     * The arguments: the elements after the name for events, all elements for acks, an empty
     * list for the other types. An unmodifiable view over the data.
     */
    public List<JsonNode> arguments() {
        if (!type.isEvent() && !type.isAck()) {
            return List.of();
        }
        List<JsonNode> args = new ArrayList<>(data.size());
        data.elements().forEachRemaining(args::add);
        return Collections.unmodifiableList(type.isEvent() ? args.subList(1, args.size()) : args);
    }

    /** Why {@code namespace} is not valid, or null if it is. */
    static String namespaceProblem(String namespace) {
        if (namespace.isEmpty() || namespace.charAt(0) != '/') {
            return "namespace must start with '/'";
        }
        if (namespace.length() > MAX_NAMESPACE_LENGTH) {
            return "namespace longer than " + MAX_NAMESPACE_LENGTH + " characters";
        }
        for (int i = 0; i < namespace.length(); i++) {
            char c = namespace.charAt(i);
            // A comma ends the namespace on the wire; control characters have no business in a
            // name and the record separator among them would split a polling payload.
            if (c == ',' || c < 0x20 || c == 0x7f) {
                return "namespace holds " + EnginePacketType.describe(c);
            }
        }
        return null;
    }

    private static void addAll(ArrayNode data, JsonNode[] args) {
        for (JsonNode arg : args) {
            data.add(arg == null ? NullNode.getInstance() : arg);
        }
    }

    private static SocketPacket withBinaryCount(SocketPacketType type, String namespace, Integer ackId, JsonNode data) {
        int binaries = BinaryPlaceholders.count(data);
        return new SocketPacket(binaries > 0 ? type.toBinary() : type, namespace, ackId, data, binaries);
    }
}
