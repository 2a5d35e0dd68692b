package io.pgrealtime.gateway.transport.socketio.codec;

/**
 * The Engine.IO v4 packet types. On the wire a type is one ASCII digit, the first character of
 * every text packet.
 *
 * @see <a href="https://github.com/socketio/engine.io-protocol#protocol">Engine.IO v4 packet types</a>
 */
public enum EnginePacketType {
    /** Sent by the server once, with the {@link Handshake} JSON as data. */
    OPEN('0'),
    /** Either side: the transport can be closed. */
    CLOSE('1'),
    /** Heartbeat request, sent by the server in v4; {@code 2probe} from the client during upgrade. */
    PING('2'),
    /** Heartbeat answer; {@code 3probe} from the server during upgrade. */
    PONG('3'),
    /** Application data: text, or binary (the only type that carries binary). */
    MESSAGE('4'),
    /** Sent by the client to complete the upgrade to WebSocket. */
    UPGRADE('5'),
    /** Sent by the server to release a pending polling GET during an upgrade. */
    NOOP('6');

    private static final EnginePacketType[] BY_CODE = values();

    private final char code;

    EnginePacketType(char code) {
        this.code = code;
    }

    /** The wire digit, {@code '0'} to {@code '6'}. */
    public char code() {
        return code;
    }

    /**
     * The type for a wire digit.
     *
     * @throws EngineProtocolException if {@code code} is not {@code '0'} to {@code '6'}
     */
    public static EnginePacketType forCode(char code) {
        int index = code - '0';
        if (index < 0 || index >= BY_CODE.length) {
            throw new EngineProtocolException("unknown packet type " + describe(code));
        }
        return BY_CODE[index];
    }

    static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
