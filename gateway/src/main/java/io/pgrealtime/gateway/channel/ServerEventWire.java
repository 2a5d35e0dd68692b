package io.pgrealtime.gateway.channel;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A wire that gives events of the server-side API ({@code RealtimeServer}: broadcastToRoom,
 * broadcastToAll, sendToUser) a shape of their own: on Socket.IO the bare event name, as
 * {@code io.to(room).emit(event)} does.
 *
 * <p>Kept apart from {@code Wire.broadcast} on purpose: {@link BroadcastChannels} calls it only for
 * messages whose broker envelope carries the server flag, which only {@link BroadcastChannels#emit}
 * sets. Nothing a client sends (event name, room name, payload) can select this shape. A wire that
 * does not implement it gets server events through {@code Wire.broadcast} without a sender.
 */
public interface ServerEventWire {

    /** A server event on a topic; never null. Stateless and thread-safe, like the wire itself. */
    byte[] serverEvent(String topic, String event, JsonNode payload);
}
