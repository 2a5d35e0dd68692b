package io.pgrealtime.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.gateway.channel.RoomPolicy;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;
import io.pgrealtime.gateway.subscription.TableSubscription;
import io.pgrealtime.protocol.BroadcastChannel;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.PresenceChannel;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-connection limits of protocol.md §5, one object for every transport (issue 10: "one
 * policy, every transport"). The raw WebSocket and Socket.IO call the same checks and so refuse
 * the same things with the same error codes:
 * <ul>
 *   <li>inbound messages: at most {@code messagesPerMinute} per connection ({@link #newRateLimiter()},
 *       excess {@code RATE_LIMITED}, dropped); a raw frame and a Socket.IO event count one each;</li>
 *   <li>message size: at most {@code maxMessageBytes} for one raw frame or one Socket.IO packet
 *       ({@code INVALID_MESSAGE});</li>
 *   <li>subscriptions: every table subscription and every room a client joined counts against
 *       {@code subscriptionsPerConnection}; rooms also against {@code roomsPerConnection}
 *       ({@code SUBSCRIPTION_LIMIT_EXCEEDED}). A room counts once whether it was joined as raw
 *       {@code broadcast:x}, {@code presence:x}, both, or Socket.IO room {@code x}. The server's
 *       automatic rooms ({@code user:}, {@code socket:}, {@code __all__}) do not count;</li>
 *   <li>presence state: at most {@code maxPresenceStateBytes} of JSON ({@code INVALID_MESSAGE}).</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class SessionPolicy {
    private static final AtomicLong SUBSCRIPTION_IDS = new AtomicLong();

    private final int messagesPerMinute;
    private final int maxMessageBytes;
    private final int subscriptionsPerConnection;
    private final int roomsPerConnection;
    private final int maxPresenceStateBytes;

    public SessionPolicy(int messagesPerMinute, int maxMessageBytes, int subscriptionsPerConnection,
                         int roomsPerConnection, int maxPresenceStateBytes) {
        this.messagesPerMinute = messagesPerMinute;
        this.maxMessageBytes = maxMessageBytes;
        this.subscriptionsPerConnection = subscriptionsPerConnection;
        this.roomsPerConnection = roomsPerConnection;
        this.maxPresenceStateBytes = maxPresenceStateBytes;
    }

    /**
     * The one source of subscription ids on a node ({@code sub_…}): table subscriptions and the
     * ids Socket.IO clients unsubscribe by never collide.
     */
    public static String nextSubscriptionId() {
        return "sub_" + Long.toString(SUBSCRIPTION_IDS.incrementAndGet(), 36);
    }

    /** A fresh limiter for one connection (confine it to one thread or guard it). */
    public RateLimiter newRateLimiter() {
        return new RateLimiter(messagesPerMinute);
    }

    /** The error for a message over the rate. */
    public GatewayException rateLimited() {
        return new GatewayException(ErrorCode.RATE_LIMITED, "more than " + messagesPerMinute
                + " messages a minute; message dropped");
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * Refuses one inbound message (raw frame, Socket.IO packet) over the size limit.
     *
     * @throws GatewayException {@code INVALID_MESSAGE}
     */
    public void checkMessageSize(long bytes) {
        if (bytes > maxMessageBytes) {
            throw new GatewayException(ErrorCode.INVALID_MESSAGE, "message of " + bytes
                    + " bytes is over the limit of " + maxMessageBytes);
        }
    }

    /**
     * Refuses a presence state larger than the limit (its compact JSON, UTF-8).
     *
     * @throws GatewayException {@code INVALID_MESSAGE}
     */
    public void checkPresenceState(JsonNode state) {
        if (state == null || state.isNull()) {
            return;
        }
        int size;
        try {
            size = Json.mapper().writeValueAsBytes(state).length;
        } catch (Exception e) {
            size = state.toString().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > maxPresenceStateBytes) {
            throw new GatewayException(ErrorCode.INVALID_MESSAGE, "presence state of " + size
                    + " bytes is over the limit of " + maxPresenceStateBytes);
        }
    }

    /**
     * Refuses a new table subscription filed under {@code key} when the connection is at its limit
     * (re-subscribing under an existing key replaces, so it is always allowed).
     *
     * @throws GatewayException {@code SUBSCRIPTION_LIMIT_EXCEEDED}
     */
    public void checkTable(ClientSession s, String key) {
        if (!s.subscriptions().containsKey(key) && subscriptionCount(s) >= subscriptionsPerConnection) {
            throw new GatewayException(ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED,
                    "at most " + subscriptionsPerConnection + " subscriptions per connection");
        }
    }

    /**
     * Refuses joining a room the connection is not in yet when it is at either limit.
     *
     * @throws GatewayException {@code SUBSCRIPTION_LIMIT_EXCEEDED}
     */
    public void checkRoom(ClientSession s, String room) {
        if (inRoom(s, room)) {
            return;
        }
        if (subscriptionCount(s) >= subscriptionsPerConnection) {
            throw new GatewayException(ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED,
                    "at most " + subscriptionsPerConnection + " subscriptions per connection");
        }
        if (rooms(s).size() >= roomsPerConnection) {
            throw new GatewayException(ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED,
                    "at most " + roomsPerConnection + " rooms per connection");
        }
    }

    private static boolean inRoom(ClientSession s, String room) {
        return s.subscriptions().containsKey(BroadcastChannel.PREFIX + ":" + room)
                || s.subscriptions().containsKey(PresenceChannel.PREFIX + ":" + room);
    }

    /** What counts against {@code subscriptionsPerConnection}: table subscriptions plus rooms. */
    public static int subscriptionCount(ClientSession s) {
        int tables = 0;
        for (Object v : s.subscriptions().values()) {
            if (v instanceof TableSubscription) {
                tables++;
            }
        }
        return tables + rooms(s).size();
    }

    /** The rooms a client joined (automatic rooms excluded). */
    public static Set<String> rooms(ClientSession s) {
        Set<String> rooms = new HashSet<>();
        for (Object v : s.subscriptions().values()) {
            String room = v instanceof BroadcastChannel b ? b.topic() : v instanceof PresenceChannel p ? p.room() : null;
            if (room != null && !RoomPolicy.isReserved(room)) {
                rooms.add(room);
            }
        }
        return rooms;
    }
}
