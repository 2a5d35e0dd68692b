package io.pgrealtime.gateway.transport.socketio.codec;

/**
 * Input that is not a valid Socket.IO v5 packet, or arrives out of turn (a binary attachment
 * nobody announced, text while attachments are awaited). The only exception
 * {@link SocketDecoder} throws for wire input; the specification says the receiver MUST then
 * close the connection.
 *
 * @see <a href="https://github.com/socketio/socket.io-protocol#packet-encoding">Socket.IO v5 packet encoding</a>
 */
public final class SocketProtocolException extends RuntimeException {

    public SocketProtocolException(String message) {
        super(message);
    }

    public SocketProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
