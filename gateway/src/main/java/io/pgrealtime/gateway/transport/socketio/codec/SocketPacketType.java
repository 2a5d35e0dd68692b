package io.pgrealtime.gateway.transport.socketio.codec;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/**
 * The Socket.IO v5 packet types, with what each one's payload and ack id must look like. On the
 * wire a type is one ASCII digit, the first character of the packet.
 *
 * <table>
 *   <caption>Payload and ack id per type</caption>
 *   <tr><th>type</th><th>payload</th><th>ack id</th></tr>
 *   <tr><td>CONNECT</td><td>none, or an object ({@code auth}; the server answers {@code {sid}})</td><td>none</td></tr>
 *   <tr><td>DISCONNECT</td><td>none</td><td>none</td></tr>
 *   <tr><td>EVENT, BINARY_EVENT</td><td>a non-empty array whose first element, the event name, is a
 *       string and not a reserved name</td><td>optional: the sender wants an ack</td></tr>
 *   <tr><td>ACK, BINARY_ACK</td><td>an array, possibly empty</td><td>required: the event's id</td></tr>
 *   <tr><td>CONNECT_ERROR</td><td>an object ({@code {message, data?}}), or a string</td><td>none</td></tr>
 * </table>
 *
 * @see <a href="https://github.com/socketio/socket.io-protocol#exchange-protocol">Socket.IO v5 packet types</a>
 */
public enum SocketPacketType {
    CONNECT('0'),
    DISCONNECT('1'),
    EVENT('2'),
    ACK('3'),
    CONNECT_ERROR('4'),
    BINARY_EVENT('5'),
    BINARY_ACK('6');

    /**
     * Event names with a meaning of their own, which clients may not emit; the reference parser
     * refuses them the same way, so a peer sending one is broken or hostile.
     */
    public static final Set<String> RESERVED_EVENTS = Set.of(
            "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    private static final SocketPacketType[] BY_CODE = values();

    private final char code;

    SocketPacketType(char code) {
        this.code = code;
    }

    /** The wire digit, {@code '0'} to {@code '6'}. */
    public char code() {
        return code;
    }

    /** Whether packets of this type announce binary attachments ({@code <count>-}). */
    public boolean isBinary() {
        return this == BINARY_EVENT || this == BINARY_ACK;
    }

    /** EVENT or BINARY_EVENT. */
    public boolean isEvent() {
        return this == EVENT || this == BINARY_EVENT;
    }

    /** ACK or BINARY_ACK. */
    public boolean isAck() {
        return this == ACK || this == BINARY_ACK;
    }

    /**
     * The binary variant of an event or ack type (itself if already binary).
     *
     * @throws IllegalArgumentException for CONNECT, DISCONNECT and CONNECT_ERROR, which cannot
     *                                  carry binary
     */
    public SocketPacketType toBinary() {
        if (isEvent()) {
            return BINARY_EVENT;
        }
        if (isAck()) {
            return BINARY_ACK;
        }
        throw new IllegalArgumentException(this + " packets cannot carry binary data");
    }

    /**
     * The type for a wire digit.
     *
     * @throws SocketProtocolException if {@code code} is not {@code '0'} to {@code '6'}
     */
    public static SocketPacketType forCode(char code) {
        int index = code - '0';
        if (index < 0 || index >= BY_CODE.length) {
            throw new SocketProtocolException("unknown packet type " + EnginePacketType.describe(code));
        }
        return BY_CODE[index];
    }

    /** Why {@code ackId} is wrong for this type, or null if it is fine. */
    String ackIdProblem(Integer ackId) {
        if (ackId != null && ackId < 0) {
            return "ack id must not be negative";
        }
        if (isAck()) {
            return ackId == null ? this + " needs an ack id" : null;
        }
        return ackId != null && !isEvent() ? this + " takes no ack id" : null;
    }

    /** Why {@code data} (null when absent) is wrong for this type, or null if it is fine. */
    String dataProblem(JsonNode data) {
        return switch (this) {
            case CONNECT -> data == null || data.isObject() ? null : "CONNECT payload must be an object";
            case DISCONNECT -> data == null ? null : "DISCONNECT takes no payload";
            case CONNECT_ERROR -> data != null && (data.isObject() || data.isTextual())
                    ? null : "CONNECT_ERROR payload must be an object or a string";
            case EVENT, BINARY_EVENT -> eventDataProblem(data);
            case ACK, BINARY_ACK -> data != null && data.isArray() ? null : this + " payload must be an array";
        };
    }

    private String eventDataProblem(JsonNode data) {
        if (data == null || !data.isArray() || data.isEmpty()) {
            return this + " payload must be a non-empty array";
        }
        JsonNode name = data.get(0);
        if (!name.isTextual()) {
            return this + " name (the first element) must be a string";
        }
        return RESERVED_EVENTS.contains(name.textValue()) ? "reserved event name '" + name.textValue() + "'" : null;
    }
}
