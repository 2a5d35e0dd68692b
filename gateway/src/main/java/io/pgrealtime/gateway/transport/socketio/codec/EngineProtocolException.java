package io.pgrealtime.gateway.transport.socketio.codec;

/**
 * Input that is not a valid Engine.IO v4 packet or payload: empty, an unknown packet type,
 * invalid base64, invalid UTF-8, or larger than the configured maximum. The only exception
 * {@link EngineDecoder} throws for wire input; the transport answers it by closing the session
 * (HTTP 400 for polling).
 *
 * @see <a href="https://github.com/socketio/engine.io-protocol#packet-encoding">Engine.IO v4 packet encoding</a>
 */
public final class EngineProtocolException extends RuntimeException {

    public EngineProtocolException(String message) {
        super(message);
    }

    public EngineProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
