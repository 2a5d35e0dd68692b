/**
 * Wire codecs for Socket.IO: the Engine.IO v4 transport framing and the Socket.IO v5 packet
 * format on top of it. Pure logic, no I/O: the transport hands in frame text, frame bytes or
 * polling bodies and gets packets back, and the other way round.
 *
 * <p>One class, one role: {@link io.pgrealtime.gateway.transport.socketio.codec.EnginePacket}
 * with {@link io.pgrealtime.gateway.transport.socketio.codec.EngineEncoder} and
 * {@link io.pgrealtime.gateway.transport.socketio.codec.EngineDecoder};
 * {@link io.pgrealtime.gateway.transport.socketio.codec.SocketPacket} with
 * {@link io.pgrealtime.gateway.transport.socketio.codec.SocketEncoder} and the stateful
 * {@link io.pgrealtime.gateway.transport.socketio.codec.SocketDecoder}. Decoders refuse malformed
 * input with {@link io.pgrealtime.gateway.transport.socketio.codec.EngineProtocolException} or
 * {@link io.pgrealtime.gateway.transport.socketio.codec.SocketProtocolException} and nothing else;
 * on either, the transport closes the connection, as both specifications require.
 *
 * @see <a href="https://github.com/socketio/engine.io-protocol">Engine.IO protocol, version 4</a>
 * @see <a href="https://github.com/socketio/socket.io-protocol">Socket.IO protocol, version 5</a>
 */
package io.pgrealtime.gateway.transport.socketio.codec;
