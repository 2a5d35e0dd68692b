package io.pgrealtime.gateway.transport.socketio.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Engine.IO v4 packet: a {@link Text} packet of any type with string data (possibly empty),
 * or a {@link Binary} packet, which is always a {@link EnginePacketType#MESSAGE}.
 *
 * <p>Immutable, except that a {@link Binary} packet does not copy its array: whoever builds one
 * hands the array over and must not change it afterwards.
 *
 * @see <a href="https://github.com/socketio/engine.io-protocol#protocol">Engine.IO v4 protocol</a>
 */
public sealed interface EnginePacket permits EnginePacket.Text, EnginePacket.Binary {

    /** The packet type. */
    EnginePacketType type();

    /**
     * A text packet.
     *
     * @param type the packet type
     * @param data the payload after the type digit; empty when there is none, never null
     */
    record Text(EnginePacketType type, String data) implements EnginePacket {
        public Text {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * A binary {@link EnginePacketType#MESSAGE} packet: a binary WebSocket frame, or a
     * {@code b}-prefixed base64 record in a polling payload.
     *
     * @param data the bytes, not copied
     */
    record Binary(byte[] data) implements EnginePacket {
        public Binary {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public EnginePacketType type() {
            return EnginePacketType.MESSAGE;
        }

        // Records compare arrays by identity; a packet is a value, so compare the bytes.
        @Override
        public boolean equals(Object o) {
            return o instanceof Binary other && Arrays.equals(data, other.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Binary[" + data.length + " bytes]";
        }
    }

    /** {@code 0{...}}: the handshake; see {@link EngineEncoder#openPacket(Handshake)}. */
    static Text open(String handshakeJson) {
        return new Text(EnginePacketType.OPEN, handshakeJson);
    }

    /** {@code 1}. */
    static Text close() {
        return new Text(EnginePacketType.CLOSE, "");
    }

    /** {@code 2}. */
    static Text ping() {
        return new Text(EnginePacketType.PING, "");
    }

    /** {@code 2data}, e.g. {@code 2probe}. */
    static Text ping(String data) {
        return new Text(EnginePacketType.PING, data);
    }

    /** {@code 3}. */
    static Text pong() {
        return new Text(EnginePacketType.PONG, "");
    }

    /** {@code 3data}, e.g. {@code 3probe}. */
    static Text pong(String data) {
        return new Text(EnginePacketType.PONG, data);
    }

    /** {@code 4text}. */
    static Text message(String text) {
        return new Text(EnginePacketType.MESSAGE, text);
    }

    /** A binary message; the array is not copied. */
    static Binary message(byte[] bytes) {
        return new Binary(bytes);
    }

    /** {@code 5}. */
    static Text upgrade() {
        return new Text(EnginePacketType.UPGRADE, "");
    }

    /** {@code 6}. */
    static Text noop() {
        return new Text(EnginePacketType.NOOP, "");
    }
}
