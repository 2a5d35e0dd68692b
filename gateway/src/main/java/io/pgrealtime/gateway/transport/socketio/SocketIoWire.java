package io.pgrealtime.gateway.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.gateway.channel.RoomPolicy;
import io.pgrealtime.gateway.channel.ServerEventWire;
import io.pgrealtime.gateway.presence.PresenceMember;
import io.pgrealtime.gateway.session.Wire;
import io.pgrealtime.gateway.subscription.TableSubscription;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.ChangeEventJson;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.StreamId;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Socket.IO encodings of protocol.md §2. Every message is a complete Engine.IO text packet
 * ({@code 42["event",{…}]}: Engine.IO MESSAGE + Socket.IO EVENT on the default namespace), so the
 * same bytes serve as a WebSocket frame and as a polling record.
 */
public final class SocketIoWire implements Wire, ServerEventWire {
    public static final SocketIoWire INSTANCE = new SocketIoWire();

    private SocketIoWire() {
    }

    /** {@code 42[name, arg]} as UTF-8. */
    public static byte[] event(String name, JsonNode arg) {
        ArrayNode a = Json.nodes().arrayNode();
        a.add(name);
        a.add(arg);
        return ("42" + a).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code subscription.error {code, message}}: how §2 reports a failure outside an ack. */
    public static byte[] error(String code, String message) {
        ObjectNode o = Json.object();
        o.put("code", code);
        o.put("message", message);
        return event("subscription.error", o);
    }

    /** The Socket.IO form of a raw protocol error message (its {@code code} and {@code message}). */
    static byte[] errorEvent(byte[] rawError, String fallbackCode) {
        try {
            JsonNode e = Json.mapper().readTree(rawError);
            return error(e.path("code").asText(fallbackCode), e.path("message").asText(""));
        } catch (Exception ex) {
            return error(fallbackCode, "");
        }
    }

    @Override
    public byte[] change(TableSubscription sub, StreamId id, ChangeEvent event, byte[] storedJson, String view) {
        SioEncoding enc = (SioEncoding) sub.encoding();
        String action = event.operation().action();
        String timestamp = event.commitTime() == null ? null : ChangeEventJson.formatTimestamp(event.commitTime());
        ObjectNode o = Json.object();
        if (enc.notifyOnly()) {
            o.put("type", switch (event.operation()) {
                case INSERT -> "resource.created";
                case UPDATE -> "resource.updated";
                default -> "resource.deleted";
            });
            o.put("resource", enc.label());
            o.set("id", rowId(event));
            o.put("action", switch (event.operation()) {
                case INSERT -> "post";
                case UPDATE -> "update";
                default -> "delete";
            });
            o.put("subscriptionId", enc.subscriptionId());
            ObjectNode meta = o.putObject("meta");
            meta.put("timestamp", timestamp);
            meta.put("eventId", id.toString());
            if (view != null) {
                o.put("view", view);
            }
            return event("subscription.update", o);
        }
        if (enc.legacyItem()) {
            o.put("collection", enc.label());
            o.set("item", event.record() != null ? event.record() : event.oldRecord());
            o.put("timestamp", timestamp);
            o.put("id", id.toString());
            return event("item." + switch (event.operation()) {
                case INSERT -> "created";
                case UPDATE -> "updated";
                default -> "deleted";
            }, o);
        }
        o.put("action", action);
        if (view != null) {
            o.put("view", view);
        }
        o.put("collection", enc.label());
        JsonNode data = event.record() != null ? event.record() : event.oldRecord();
        o.set("data", data == null ? Json.object() : data);
        if (event.oldRecord() != null && event.record() != null) {
            o.set("previous", event.oldRecord());
        }
        o.put("id", id.toString());
        o.put("timestamp", timestamp);
        return event(enc.label() + ":" + action, o);
    }

    /** The primary key value of the changed row (an object when the key has several columns). */
    private static JsonNode rowId(ChangeEvent e) {
        JsonNode row = e.record() != null ? e.record() : e.oldRecord();
        if (row == null || e.primaryKey().isEmpty()) {
            return Json.nodes().nullNode();
        }
        if (e.primaryKey().size() == 1) {
            JsonNode v = row.get(e.primaryKey().get(0));
            return v == null ? Json.nodes().nullNode() : v;
        }
        ObjectNode key = Json.object();
        e.primaryKey().forEach(k -> key.set(k, row.get(k)));
        return key;
    }

    /**
     * A message on a topic. From a client (a sender): {@code direct {from, event, payload}} on its
     * target's {@code socket:} room, {@code room:{event} {room, event, sender, payload}} anywhere
     * else, so a client's message never arrives under a server event name. Without a sender (a
     * database broadcast, {@code realtime.send}): the bare event in the server's reserved rooms,
     * {@code room:{event}} in the others.
     */
    @Override
    public byte[] broadcast(String topic, String event, JsonNode payload, String senderUserId, String senderConnectionId) {
        if (senderConnectionId == null && RoomPolicy.isReserved(topic)) {
            return event(event, payload);
        }
        if (senderConnectionId != null && topic.startsWith(RoomPolicy.SOCKET_PREFIX)) {
            ObjectNode o = Json.object();
            ObjectNode from = o.putObject("from");
            from.put("userId", senderUserId);
            from.put("socketId", senderConnectionId);
            o.put("event", event);
            o.set("payload", payload);
            return event("direct", o);
        }
        ObjectNode o = Json.object();
        o.put("room", topic);
        o.put("event", event);
        ObjectNode sender = o.putObject("sender");
        sender.put("userId", senderUserId);
        sender.put("socketId", senderConnectionId);
        o.set("payload", payload);
        return event("room:" + event, o);
    }

    /** An event of the server-side API: the bare event name, whatever the room. */
    @Override
    public byte[] serverEvent(String topic, String event, JsonNode payload) {
        return event(event, payload);
    }

    @Override
    public byte[] presenceSync(String room, List<PresenceMember> members) {
        return null;
    }

    @Override
    public byte[] presenceJoin(String room, PresenceMember member) {
        return roomUser("room:user:joined", room, member);
    }

    @Override
    public byte[] presenceLeave(String room, PresenceMember member) {
        return roomUser("room:user:left", room, member);
    }

    private static byte[] roomUser(String name, String room, PresenceMember m) {
        ObjectNode o = Json.object();
        o.put("room", room);
        o.put("userId", m.userId());
        o.put("socketId", m.connectionId());
        return event(name, o);
    }

    /**
     * How a Socket.IO table subscription is encoded; subscriptions with equal encodings receive
     * identical bytes.
     *
     * @param label          the collection or resource name as the client gave it (event names use it)
     * @param notifyOnly     the {@code resource} form: {@code subscription.update} without row data
     * @param legacyItem     the legacy {@code join} rooms: {@code item.created/updated/deleted}
     * @param subscriptionId set for the resource form only (it is inside each message)
     */
    public record SioEncoding(String label, boolean notifyOnly, boolean legacyItem, String subscriptionId, boolean keysOnly) {
    }
}
