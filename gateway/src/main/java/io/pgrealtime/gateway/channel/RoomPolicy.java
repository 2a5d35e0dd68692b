package io.pgrealtime.gateway.channel;

import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * Which rooms and event names a client may address, one rule for both transports. A room is a
 * broadcast topic plus a presence room: raw {@code broadcast:lobby} and {@code presence:lobby} and
 * Socket.IO room {@code lobby} are the same room, so they are checked the same way.
 *
 * <p><b>Reserved rooms</b> belong to the server; no client joins, subscribes to, publishes on or
 * leaves them (refused with {@code FORBIDDEN}, which Socket.IO reports as {@code PERMISSION_DENIED}):
 * <ul>
 *   <li>{@value #ALL_SOCKETS} (every Socket.IO connection, for {@code broadcastToAll}) and every
 *       name starting with {@value #INTERNAL_PREFIX};</li>
 *   <li>{@code user:{userId}}: every connection of one user. Socket.IO connections are put in their
 *       own automatically; protocol.md gives raw clients no user channel. So no client addresses
 *       any user room, its own included, on either transport;</li>
 *   <li>{@code socket:{id}}: one Socket.IO connection, reached only through {@code direct};</li>
 *   <li>names starting with {@value #LEGACY_SERVER_MARKER}, the marker with which earlier versions
 *       flagged server emits (such a node may still be running during a rolling upgrade).</li>
 * </ul>
 * A room validator cannot open a reserved room. For every other room, the validator registered
 * for the longest prefix of its name decides joins, subscribes and publishes; rooms without one
 * are open.
 *
 * <p><b>Event names</b> a client sends ({@code room:message}, {@code direct}, raw {@code broadcast})
 * must not start with {@value #LEGACY_SERVER_MARKER} and must not be one of {@link #SERVER_ROOM_EVENTS}:
 * a room message {@code e} reaches Socket.IO clients as {@code room:e}, and {@code room:user:joined}
 * / {@code room:user:left} are the server's presence announcements. Refused with
 * {@code INVALID_MESSAGE}: no principal may use these names, so it is a malformed message, not a
 * missing permission.
 *
 * <p>Whether a message came from the server is never read from its event name or topic: it is a
 * flag of the broker envelope that only {@link BroadcastChannels#emit} sets.
 *
 * <p>Thread-safe.
 */
public final class RoomPolicy {
    /** The room every Socket.IO connection is in, for {@code broadcastToAll}. */
    public static final String ALL_SOCKETS = "__all__";
    /** Prefix of the server's internal rooms. */
    public static final String INTERNAL_PREFIX = "__";
    /** Prefix of the per-user rooms. */
    public static final String USER_PREFIX = "user:";
    /** Prefix of the per-connection rooms ({@code direct}). */
    public static final String SOCKET_PREFIX = "socket:";
    /** What earlier versions put before the event name (and topic) of a server emit. */
    public static final String LEGACY_SERVER_MARKER = "!";
    /** Client event names that would arrive on Socket.IO as a server event ({@code room:} + name). */
    public static final Set<String> SERVER_ROOM_EVENTS = Set.of("user:joined", "user:left");

    private final Map<String, BiPredicate<Principal, String>> validators = new ConcurrentHashMap<>();

    /** The room of every connection of a user. */
    public static String userRoom(String userId) {
        return USER_PREFIX + userId;
    }

    /** The room of one connection. */
    public static String socketRoom(String connectionId) {
        return SOCKET_PREFIX + connectionId;
    }

    /** Whether a room belongs to the server (see the class comment). */
    public static boolean isReserved(String room) {
        return room.startsWith(INTERNAL_PREFIX) || room.startsWith(USER_PREFIX) || room.startsWith(SOCKET_PREFIX)
                || room.startsWith(LEGACY_SERVER_MARKER);
    }

    /**
     * Decides who may join, subscribe to and publish on rooms whose name starts with {@code prefix};
     * the longest matching prefix wins. Replaces the validator of the same prefix.
     */
    public void registerValidator(String prefix, BiPredicate<Principal, String> validator) {
        validators.put(prefix, validator);
    }

    /** Whether a principal may join, subscribe to and publish on a room. */
    public boolean mayJoin(Principal principal, String room) {
        return !isReserved(room) && validatorAllows(principal, room);
    }

    /**
     * Refuses a join, subscribe or publish that {@link #mayJoin} does not allow.
     *
     * @throws GatewayException {@code FORBIDDEN}
     */
    public void checkJoin(Principal principal, String room) {
        checkNotReserved(room);
        if (!validatorAllows(principal, room)) {
            throw new GatewayException(ErrorCode.FORBIDDEN, "may not join room " + room);
        }
    }

    /**
     * Refuses any client use of a reserved room (leaving one too: the automatic rooms are how the
     * server reaches a connection).
     *
     * @throws GatewayException {@code FORBIDDEN}
     */
    public static void checkNotReserved(String room) {
        if (isReserved(room)) {
            throw new GatewayException(ErrorCode.FORBIDDEN, "room " + room + " is reserved for the server");
        }
    }

    /**
     * Refuses an event name a client may not send (see the class comment).
     *
     * @throws GatewayException {@code INVALID_MESSAGE}
     */
    public static void checkEvent(String event) {
        if (event.startsWith(LEGACY_SERVER_MARKER) || SERVER_ROOM_EVENTS.contains(event)) {
            throw new GatewayException(ErrorCode.INVALID_MESSAGE, "event name '" + event + "' is reserved for the server");
        }
    }

    private boolean validatorAllows(Principal principal, String room) {
        String best = null;
        for (String prefix : validators.keySet()) {
            if (room.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        if (best == null) {
            return true;
        }
        BiPredicate<Principal, String> v = validators.get(best);
        return v == null || v.test(principal, room);
    }
}
