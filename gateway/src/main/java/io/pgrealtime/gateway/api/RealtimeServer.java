package io.pgrealtime.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.gateway.Gateway;
import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.presence.PresenceMember;
import io.pgrealtime.gateway.transport.socketio.SocketIoWire;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The server-side Java API of protocol.md §2, for extensions. Every call works across all gateway
 * nodes: messages travel through the broker, room membership is the presence state in Redis.
 * Thread-safe.
 */
public final class RealtimeServer {
    private final Gateway gateway;
    private final Map<String, MessageHandler> handlers = new ConcurrentHashMap<>();
    private final Map<String, RoomValidator> validators = new ConcurrentHashMap<>();

    public RealtimeServer(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Emits {@code event} with {@code payload} to every member of a room, on every node. */
    public void broadcastToRoom(String room, String event, JsonNode payload) {
        gateway.broadcasts().publish(null, room, SocketIoWire.PLAIN_PREFIX + event, payload, true);
    }

    /** Emits {@code event} to every Socket.IO connection on every node. */
    public void broadcastToAll(String event, JsonNode payload) {
        gateway.broadcasts().publish(null, SocketIoWire.ALL_TOPIC, SocketIoWire.PLAIN_PREFIX + event, payload, true);
    }

    /** Emits {@code event} to every connection of one user (its room {@code user:{userId}}), on every node. */
    public void sendToUser(String userId, String event, JsonNode payload) {
        gateway.broadcasts().publish(null, "user:" + userId, SocketIoWire.PLAIN_PREFIX + event, payload, true);
    }

    /** Members of a room across nodes, oldest first. */
    public List<PresenceMember> getRoomMembers(String room) {
        return gateway.presenceManager().members(room).join();
    }

    public long getRoomMemberCount(String room) {
        return gateway.presenceManager().count(room).join();
    }

    public boolean roomExists(String room) {
        return getRoomMemberCount(room) > 0;
    }

    /** Rooms with members, excluding the automatic {@code user:} rooms, with their member counts. */
    public Map<String, Long> getCustomRooms() {
        return gateway.presenceManager().rooms().join().entrySet().stream()
                .filter(e -> !e.getKey().startsWith("user:"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.TreeMap::new));
    }

    /** Handles Socket.IO {@code custom} events named {@code event}. */
    public void registerMessageHandler(String event, MessageHandler handler) {
        handlers.put(event, handler);
    }

    /** Decides who may join rooms whose name starts with {@code prefix} (the longest matching prefix wins). */
    public void registerRoomValidator(String prefix, RoomValidator validator) {
        validators.put(prefix, validator);
    }

    public MessageHandler handler(String event) {
        return handlers.get(event);
    }

    /** Whether a principal may join a room: the most specific validator decides; rooms without one are open. */
    public boolean mayJoin(Principal p, String room) {
        String best = null;
        for (String prefix : validators.keySet()) {
            if (room.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best == null || validators.get(best).mayJoin(p, room);
    }
}
