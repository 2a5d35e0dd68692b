package io.pgrealtime.gateway.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
public final class SocketIoWire implements Wire {
    public static final SocketIoWire INSTANCE = new SocketIoWire();
    /** Topic every Socket.IO session joins, for {@code broadcastToAll}. */
    public static final String ALL_TOPIC = "__all__";
    /** Prefix of topics whose messages are emitted as their bare event name (server API, direct). */
    public static final String PLAIN_PREFIX = "!";

    private SocketIoWire() {
    }

    /** {@code 42[name, arg]} as UTF-8. */
    public static byte[] event(String name, JsonNode arg) {
        ArrayNode a = Json.nodes().arrayNode();
        a.add(name);
        a.add(arg);
        return ("42" + a).getBytes(StandardCharsets.UTF_8);
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

    @Override
    public byte[] broadcast(String topic, String event, JsonNode payload, String senderUserId, String senderConnectionId) {
        if (topic.startsWith(PLAIN_PREFIX) || topic.startsWith("user:") || topic.equals(ALL_TOPIC)
                || topic.startsWith("socket:")) {
            if (event.startsWith(PLAIN_PREFIX)) {
                return event(event.substring(1), payload);
            }
            if (topic.startsWith("socket:") && senderConnectionId != null) {
                ObjectNode o = Json.object();
                ObjectNode from = o.putObject("from");
                from.put("userId", senderUserId);
                from.put("socketId", senderConnectionId);
                o.put("event", event);
                o.set("payload", payload);
                return event("direct", o);
            }
            return event(event, payload);
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
