package io.pgrealtime.gateway.transport.socketio.codec;

import java.util.List;
import java.util.Objects;

/**
 * The data of the Engine.IO v4 {@link EnginePacketType#OPEN} packet, encoded by
 * {@link EngineEncoder#encodeHandshake(Handshake)} as
 * {@code {"sid":"…","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}}
 * (keys in that order).
 *
 * @param sid          the session id the client sends back as {@code ?sid=}; not blank
 * @param upgrades     transports the client may upgrade to: {@code ["websocket"]} on a polling
 *                     session, {@code []} on a WebSocket one; copied, immutable
 * @param pingInterval milliseconds between the server's pings; positive
 * @param pingTimeout  milliseconds the client has to answer a ping; positive
 * @param maxPayload   bytes per polling payload the client may send; positive
 * @see <a href="https://github.com/socketio/engine.io-protocol#handshake">Engine.IO v4 handshake</a>
 */
public record Handshake(String sid, List<String> upgrades, long pingInterval, long pingTimeout, long maxPayload) {
    /** Default {@link #pingInterval()}: 25 s, as the reference server. */
    public static final long DEFAULT_PING_INTERVAL = 25_000;
    /** Default {@link #pingTimeout()}: 20 s, as the reference server. */
    public static final long DEFAULT_PING_TIMEOUT = 20_000;
    /** Default {@link #maxPayload()}: 1 MB, as the reference server and {@link EngineDecoder#DEFAULT_MAX_PAYLOAD}. */
    public static final long DEFAULT_MAX_PAYLOAD = EngineDecoder.DEFAULT_MAX_PAYLOAD;
    /** The upgrade offered to polling sessions. */
    public static final List<String> WEBSOCKET_UPGRADE = List.of("websocket");

    public Handshake {
        Objects.requireNonNull(sid, "sid");
        if (sid.isBlank()) {
            throw new IllegalArgumentException("sid must not be blank");
        }
        upgrades = List.copyOf(upgrades);
        if (pingInterval <= 0 || pingTimeout <= 0 || maxPayload <= 0) {
            throw new IllegalArgumentException("pingInterval, pingTimeout and maxPayload must be positive");
        }
    }

    /** A polling session's handshake with the defaults: upgrade to WebSocket offered. */
    public static Handshake polling(String sid) {
        return new Handshake(sid, WEBSOCKET_UPGRADE, DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT, DEFAULT_MAX_PAYLOAD);
    }

    /** A WebSocket session's handshake with the defaults: nothing to upgrade to. */
    public static Handshake websocket(String sid) {
        return new Handshake(sid, List.of(), DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT, DEFAULT_MAX_PAYLOAD);
    }
}
