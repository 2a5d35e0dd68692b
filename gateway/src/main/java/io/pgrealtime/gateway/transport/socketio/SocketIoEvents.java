package io.pgrealtime.gateway.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.gateway.Gateway;
import io.pgrealtime.gateway.api.MessageHandler;
import io.pgrealtime.gateway.api.RealtimeServer;
import io.pgrealtime.gateway.channel.RoomPolicy;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.gateway.session.SessionPolicy;
import io.pgrealtime.gateway.session.TokenLifetime;
import io.pgrealtime.gateway.subscription.TableChannels;
import io.pgrealtime.gateway.subscription.TableSubscription;
import io.pgrealtime.protocol.BroadcastChannel;
import io.pgrealtime.protocol.ChannelException;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.Operation;
import io.pgrealtime.protocol.PresenceChannel;
import io.pgrealtime.protocol.TableChannel;
import io.pgrealtime.protocol.filter.FilterError;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The client events of protocol.md §2 for one Socket.IO connection, mapped onto the same channel
 * services the raw WebSocket uses. Acks: {@code {status:"success", …, data:{…}}} or
 * {@code {status:"error", error:{code, message, details?}}}.
 */
final class SocketIoEvents {
    private final Gateway gateway;
    private final RealtimeServer api;
    private final RoomPolicy rooms;
    private final ClientSession session;
    private final BiConsumer<Integer, JsonNode> ack;
    private final SessionPolicy policy;
    private final TokenLifetime token;

    SocketIoEvents(Gateway gateway, RealtimeServer api, ClientSession session, BiConsumer<Integer, JsonNode> ack,
                   TokenLifetime token) {
        this.gateway = gateway;
        this.policy = gateway.policy();
        this.token = token;
        this.api = api;
        this.rooms = gateway.broadcasts().rooms();
        this.session = session;
        this.ack = ack;
    }

    static ObjectNode success() {
        return Json.object().put("status", "success");
    }

    static ObjectNode error(String code, String message, List<FilterError> details) {
        ObjectNode o = Json.object().put("status", "error");
        ObjectNode e = o.putObject("error");
        e.put("code", code);
        e.put("message", message);
        if (details != null && !details.isEmpty()) {
            // The same shape as raw INVALID_FILTERS (seed 003 reads error.details.<column>.code).
            e.set("details", FilterError.details(details));
        }
        return o;
    }

    /** The Socket.IO code of a refusal: §1 codes, with the §2 names where they differ. */
    static String code(GatewayException e) {
        if (e instanceof TableChannels.NotEnabled) {
            return "RESOURCE_NOT_FOUND";
        }
        if (e.code() == ErrorCode.FORBIDDEN) {
            return "PERMISSION_DENIED";
        }
        return e.code().name();
    }

    void dispatch(String event, JsonNode payload, Integer ackId) {
        try {
            switch (event) {
                case "subscribe" -> subscribe(payload, ackId, null);
                case "unsubscribe" -> unsubscribe(payload, ackId);
                case "restore-subscriptions" -> restore(payload, ackId);
                case "room:join" -> roomJoin(text(payload, "room"), payload == null ? null : payload.get("state"), ackId, false);
                case "room:leave" -> roomLeave(text(payload, "room"), ackId);
                case "room:message" -> roomMessage(payload, ackId);
                case "join" -> legacyJoin(payload, ackId);
                case "direct" -> direct(payload, ackId);
                case "custom" -> custom(payload, ackId);
                case "auth" -> auth(payload, ackId);
                default -> reply(ackId, error("UNKNOWN_EVENT", "unknown event '" + event + "'", null));
            }
        } catch (GatewayException e) {
            reply(ackId, error(code(e), e.getMessage(), e.details()));
        } catch (ChannelException e) {
            reply(ackId, error("INVALID_CHANNEL", e.getMessage(), null));
        }
    }

    private void reply(Integer ackId, JsonNode response) {
        if (ackId != null) {
            ack.accept(ackId, response);
        } else if ("error".equals(response.path("status").asText())) {
            session.send(SocketIoWire.event("subscription.error", response.get("error")));
        }
    }

    private static String text(JsonNode payload, String field) {
        JsonNode v = payload == null ? null : payload.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new GatewayException(ErrorCode.INVALID_MESSAGE, "missing field '" + field + "'");
        }
        return v.asText();
    }

    /** {@code subscribe} in its collection form or its resource form; {@code done} (restore) replaces the ack. */
    private void subscribe(JsonNode p, Integer ackId, BiConsumer<JsonNode, JsonNode> done) {
        if (p == null || !p.isObject()) {
            throw new GatewayException(ErrorCode.INVALID_MESSAGE, "subscribe takes {collection} or {resource}");
        }
        boolean resource = p.hasNonNull("resource");
        String label = text(p, resource ? "resource" : "collection");
        JsonNode filters = p.get("filters");
        if (filters != null && !filters.isNull() && !filters.isObject()) {
            throw new GatewayException(ErrorCode.INVALID_FILTERS, "filters must be an object");
        }
        Set<Operation> actions = actions(p.get("actions"));
        String since = p.hasNonNull("since") ? p.get("since").asText() : null;
        TableChannel channel = TableChannel.fromCollection(label);
        // Every subscribe is a subscription of its own, filed under its id (so two subscribes to one
        // collection, e.g. with different filters, are both there to unsubscribe by id), and counted
        // against gateway.subscriptions-per-connection like every raw subscription.
        String subscriptionId = SessionPolicy.nextSubscriptionId();
        gateway.tables().subscribe(session, channel, keyOf(channel, subscriptionId), filters, since, actions,
                tc -> new SocketIoWire.SioEncoding(label, resource, false, resource ? subscriptionId : null,
                        "keys".equals(tc.payload())),
                new TableChannels.SubscribeCallback() {
                    @Override
                    public void subscribed(TableSubscription sub, Boolean recovered) {
                        // The resource form's id is inside every message (part of its encoding); the
                        // collection form's is not, so its bytes stay shared.
                        String id = subscriptionId;
                        ObjectNode ok = success();
                        ok.put("subscriptionId", id);
                        ok.put(resource ? "resource" : "collection", label);
                        if (recovered != null) {
                            ok.put("recovered", recovered);
                        }
                        ok.putObject("data").put("subscriptionId", id);
                        if (done != null) {
                            done.accept(p, ok);
                        } else {
                            reply(ackId, ok);
                        }
                        if (resource) {
                            ObjectNode created = Json.object();
                            created.put("subscriptionId", id);
                            created.put("resource", label);
                            created.set("filters", filters == null ? Json.object() : filters);
                            session.send(SocketIoWire.event("subscription.created", created));
                        }
                    }

                    @Override
                    public void failed(GatewayException e) {
                        ObjectNode err = error(code(e), e.getMessage(), e.details());
                        if (done != null) {
                            done.accept(p, err);
                        } else {
                            reply(ackId, err);
                        }
                    }
                });
    }

    private static Set<Operation> actions(JsonNode a) {
        if (a == null || a.isNull()) {
            return null;
        }
        if (!a.isArray() || a.isEmpty()) {
            throw new GatewayException(ErrorCode.INVALID_MESSAGE, "actions must be a non-empty array of insert/update/delete");
        }
        Set<Operation> out = EnumSet.noneOf(Operation.class);
        for (JsonNode x : a) {
            try {
                out.add(Operation.of(x.asText()));
            } catch (IllegalArgumentException e) {
                throw new GatewayException(ErrorCode.INVALID_MESSAGE, "unknown action '" + x.asText() + "'");
            }
        }
        return out;
    }

    /** The key a Socket.IO table subscription is filed under in its session: channel and id. */
    private static String keyOf(TableChannel channel, String subscriptionId) {
        return prefixOf(channel) + subscriptionId;
    }

    private static String prefixOf(TableChannel channel) {
        return "table:" + channel.qualifiedTable() + "#";
    }

    private void unsubscribe(JsonNode p, Integer ackId) {
        if (p != null && p.hasNonNull("subscriptionId")) {
            String id = p.get("subscriptionId").asText();
            String key = null;
            for (var e : session.subscriptions().entrySet()) {
                if (e.getValue() instanceof TableSubscription && e.getKey().endsWith("#" + id)) {
                    key = e.getKey();
                    break;
                }
            }
            boolean removed = key != null && gateway.tables().unsubscribe(session, key);
            reply(ackId, removed ? success() : error("SUBSCRIPTION_FAILED", "no subscription " + id, null));
            return;
        }
        // Every subscription to the collection.
        String prefix = prefixOf(TableChannel.fromCollection(text(p, "collection")));
        for (String key : List.copyOf(session.subscriptions().keySet())) {
            if (key.startsWith(prefix)) {
                gateway.tables().unsubscribe(session, key);
            }
        }
        reply(ackId, success());
    }

    private void restore(JsonNode p, Integer ackId) {
        JsonNode list = p == null ? null : p.get("subscriptions");
        if (list == null || !list.isArray()) {
            throw new GatewayException(ErrorCode.INVALID_MESSAGE, "restore-subscriptions takes {subscriptions:[…]}");
        }
        ObjectNode result = Json.object();
        ArrayNode restored = result.putArray("restored");
        ArrayNode failed = result.putArray("failed");
        AtomicInteger pending = new AtomicInteger(list.size());
        if (list.isEmpty()) {
            reply(ackId, result);
            return;
        }
        BiConsumer<JsonNode, JsonNode> done = (item, outcome) -> {
            synchronized (result) {
                if ("success".equals(outcome.path("status").asText())) {
                    ObjectNode r = item.deepCopy();
                    r.put("subscriptionId", outcome.get("subscriptionId").asText());
                    if (outcome.has("recovered")) {
                        r.put("recovered", outcome.get("recovered").asBoolean());
                    }
                    restored.add(r);
                } else {
                    ObjectNode f = item.isObject() ? ((ObjectNode) item).deepCopy() : Json.object();
                    f.set("error", outcome.get("error"));
                    failed.add(f);
                }
            }
            if (pending.decrementAndGet() == 0) {
                reply(ackId, result);
            }
        };
        for (JsonNode item : list) {
            try {
                subscribe(item, null, done);
            } catch (GatewayException e) {
                done.accept(item, error(code(e), e.getMessage(), e.details()));
            } catch (ChannelException e) {
                done.accept(item, error("INVALID_CHANNEL", e.getMessage(), null));
            }
        }
    }

    private void roomJoin(String room, JsonNode state, Integer ackId, boolean legacy) {
        new BroadcastChannel(room); // validates the room name (ChannelException → INVALID_CHANNEL)
        try {
            rooms.checkJoin(session.principal(), room);
            // The limits the raw protocol applies to broadcast:/presence: subscriptions (SessionPolicy).
            policy.checkPresenceState(state);
            policy.checkRoom(session, room);
        } catch (GatewayException e) {
            reply(ackId, legacy ? Json.object().put("success", false).put("message", e.getMessage())
                    : error(code(e), e.getMessage(), null));
            return;
        }
        gateway.broadcasts().subscribe(session, room, new BroadcastChannel(room)).whenComplete((v, err) ->
                gateway.presence().join(session, new PresenceChannel(room), state, () ->
                        reply(ackId, legacy ? Json.object().put("success", true) : success().put("room", room))));
    }

    private void roomLeave(String room, Integer ackId) {
        BroadcastChannel channel = new BroadcastChannel(room);
        // Leaving user:/socket:/__all__ would cut the connection off from direct and the server API.
        RoomPolicy.checkNotReserved(room);
        gateway.broadcasts().unsubscribe(session, channel);
        gateway.presence().leave(session, new PresenceChannel(room));
        reply(ackId, success().put("room", room));
    }

    private void roomMessage(JsonNode p, Integer ackId) {
        String room = text(p, "room");
        String event = text(p, "event");
        BroadcastChannel channel = new BroadcastChannel(room);
        // Before the membership test: every socket is a member of its automatic rooms (issue 10:
        // room:message to __all__ reached every client).
        rooms.checkJoin(session.principal(), room);
        RoomPolicy.checkEvent(event);
        if (!session.subscriptions().containsKey(channel.name())) {
            throw new GatewayException(ErrorCode.FORBIDDEN, "join room " + room + " before sending to it");
        }
        // The sender gets its own message too: a chat UI shows it when it arrives.
        gateway.broadcasts().publish(session, room, event, p.has("payload") ? p.get("payload") : Json.object(), true);
        reply(ackId, success());
    }

    /** Legacy {@code join "room"}: plain rooms, or {@code collection:{name}} / {@code item:{collection}:{id}} table rooms. */
    private void legacyJoin(JsonNode p, Integer ackId) {
        String room = p != null && p.isTextual() ? p.asText() : p != null && p.hasNonNull("room") ? p.get("room").asText() : null;
        if (room == null || room.isBlank()) {
            reply(ackId, Json.object().put("success", false).put("message", "join takes a room name"));
            return;
        }
        if (room.startsWith("collection:") || room.startsWith("item:")) {
            String[] parts = room.split(":", 3);
            String collection = parts[1];
            JsonNode filter = null;
            if (parts.length == 3) {
                var tc = gateway.registry().table(TableChannel.fromCollection(collection).qualifiedTable());
                if (tc == null || tc.primaryKey().size() != 1) {
                    reply(ackId, Json.object().put("success", false).put("message", "no single-column key on " + collection));
                    return;
                }
                filter = Json.object().put(tc.primaryKey().get(0), parts[2]);
            }
            TableChannel channel = TableChannel.fromCollection(collection);
            gateway.tables().subscribe(session, channel, room, filter, null, null,
                    tc -> new SocketIoWire.SioEncoding(collection, false, true, null, "keys".equals(tc.payload())),
                    new TableChannels.SubscribeCallback() {
                        @Override
                        public void subscribed(TableSubscription sub, Boolean recovered) {
                            reply(ackId, Json.object().put("success", true));
                        }

                        @Override
                        public void failed(GatewayException e) {
                            reply(ackId, Json.object().put("success", false).put("message", e.getMessage()));
                        }
                    });
            return;
        }
        roomJoin(room, null, ackId, true);
    }

    /** In-band token refresh, as raw {@code {"type":"auth"}}: the shared {@link TokenLifetime}. */
    private void auth(JsonNode p, Integer ackId) {
        token.refresh(text(p, "token"));
        reply(ackId, success());
    }

    private void direct(JsonNode p, Integer ackId) {
        String target = text(p, "socketId");
        String event = text(p, "event");
        RoomPolicy.checkEvent(event);
        BroadcastChannel to = new BroadcastChannel(RoomPolicy.socketRoom(target)); // validates the id
        // Delivered as direct {from, event, payload}: the wire wraps every message that has a sender.
        gateway.broadcasts().publish(session, to.topic(), event, p.has("payload") ? p.get("payload") : Json.object(),
                false);
        reply(ackId, success());
    }

    private void custom(JsonNode p, Integer ackId) {
        String event = text(p, "event");
        MessageHandler h = api.handler(event);
        if (h == null) {
            reply(ackId, error("UNKNOWN_EVENT", "no handler for custom event '" + event + "'", null));
            return;
        }
        JsonNode payload = p.has("payload") ? p.get("payload") : Json.object();
        gateway.io().execute(() -> {
            try {
                JsonNode result = h.handle(session.principal(), session.id(), payload);
                ObjectNode ok = success();
                ok.set("result", result);
                reply(ackId, ok);
            } catch (GatewayException e) {
                reply(ackId, error(code(e), e.getMessage(), e.details()));
            } catch (RuntimeException e) {
                reply(ackId, error("CUSTOM_HANDLER_FAILED", "the handler for '" + event + "' failed", null));
            }
        });
    }
}
