package io.pgrealtime.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.gateway.Gateway;
import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.channel.RoomPolicy;
import io.pgrealtime.gateway.presence.PresenceMember;

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

    public RealtimeServer(Gateway gateway) {
        this.gateway = gateway;
    }

    /**
     * Emits {@code event} with {@code payload} to every member of a room, on every node (Socket.IO:
     * the bare event; raw {@code broadcast:{room}}: a broadcast without a sender).
     */
    public void broadcastToRoom(String room, String event, JsonNode payload) {
        gateway.broadcasts().emit(room, event, payload);
    }

    /** Emits {@code event} to every Socket.IO connection on every node. */
    public void broadcastToAll(String event, JsonNode payload) {
        gateway.broadcasts().emit(RoomPolicy.ALL_SOCKETS, event, payload);
    }

    /** Emits {@code event} to every connection of one user (its room {@code user:{userId}}), on every node. */
    public void sendToUser(String userId, String event, JsonNode payload) {
        gateway.broadcasts().emit(RoomPolicy.userRoom(userId), event, payload);
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

    /** Rooms with members, excluding the server's reserved rooms ({@link RoomPolicy}), with their member counts. */
    public Map<String, Long> getCustomRooms() {
        return gateway.presenceManager().rooms().join().entrySet().stream()
                .filter(e -> !RoomPolicy.isReserved(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.TreeMap::new));
    }

    /** Handles Socket.IO {@code custom} events named {@code event}. */
    public void registerMessageHandler(String event, MessageHandler handler) {
        handlers.put(event, handler);
    }

    /**
     * Decides who may join rooms whose name starts with {@code prefix} (the longest matching prefix
     * wins), on both transports: Socket.IO {@code room:join}/{@code join}/{@code room:message}, raw
     * {@code broadcast:} and {@code presence:} subscribes and raw {@code broadcast}s. The server's
     * reserved rooms stay closed whatever a validator says ({@link RoomPolicy}).
     */
    public void registerRoomValidator(String prefix, RoomValidator validator) {
        gateway.broadcasts().rooms().registerValidator(prefix, validator::mayJoin);
    }

    public MessageHandler handler(String event) {
        return handlers.get(event);
    }

    /**
     * Whether a principal may join a room: never a reserved room; otherwise the most specific
     * validator decides, and rooms without one are open.
     */
    public boolean mayJoin(Principal p, String room) {
        return gateway.broadcasts().rooms().mayJoin(p, room);
    }
}
