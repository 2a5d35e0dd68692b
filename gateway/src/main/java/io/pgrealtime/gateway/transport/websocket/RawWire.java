package io.pgrealtime.gateway.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.gateway.channel.PresenceChannels;
import io.pgrealtime.gateway.channel.ServerEventWire;
import io.pgrealtime.gateway.presence.PresenceMember;
import io.pgrealtime.gateway.protocol.ServerMessages;
import io.pgrealtime.gateway.session.Wire;
import io.pgrealtime.gateway.subscription.TableSubscription;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.StreamId;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The raw WebSocket JSON protocol of protocol.md §1. */
public final class RawWire implements Wire, ServerEventWire {
    public static final RawWire INSTANCE = new RawWire();

    private RawWire() {
    }

    @Override
    public byte[] change(TableSubscription sub, StreamId id, ChangeEvent event, byte[] storedJson, String view) {
        return ServerMessages.change(sub.channel(), id.toString(), storedJson, view);
    }

    /**
     * A message on {@code broadcast:{topic}}. From a client it carries its sender,
     * {@code "sender":{"id":<connection id>,"user_id":…}} (the member object of presence), so it
     * can always be told from a database or server broadcast, which has none.
     */
    @Override
    public byte[] broadcast(String topic, String event, JsonNode payload, String senderUserId, String senderConnectionId) {
        if (senderConnectionId == null) {
            return ServerMessages.broadcast("broadcast:" + topic, event, payload);
        }
        ObjectNode o = Json.object();
        o.put("type", "broadcast");
        o.put("channel", "broadcast:" + topic);
        o.put("event", event);
        o.set("payload", payload == null ? Json.object() : payload);
        ObjectNode sender = o.putObject("sender");
        sender.put("id", senderConnectionId);
        if (senderUserId == null) {
            sender.putNull("user_id");
        } else {
            sender.put("user_id", senderUserId);
        }
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An event of the server-side API: a broadcast without a sender. */
    @Override
    public byte[] serverEvent(String topic, String event, JsonNode payload) {
        return ServerMessages.broadcast("broadcast:" + topic, event, payload);
    }

    @Override
    public byte[] presenceSync(String room, List<PresenceMember> members) {
        List<JsonNode> list = new ArrayList<>(members.size());
        members.forEach(m -> list.add(PresenceChannels.memberJson(m, true)));
        return ServerMessages.presenceSync("presence:" + room, list);
    }

    @Override
    public byte[] presenceJoin(String room, PresenceMember member) {
        return ServerMessages.presenceEvent("presence:" + room, "join", PresenceChannels.memberJson(member, true));
    }

    @Override
    public byte[] presenceLeave(String room, PresenceMember member) {
        return ServerMessages.presenceEvent("presence:" + room, "leave", PresenceChannels.memberJson(member, false));
    }
}
