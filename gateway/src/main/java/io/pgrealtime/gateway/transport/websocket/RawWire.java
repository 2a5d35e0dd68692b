package io.pgrealtime.gateway.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.gateway.channel.PresenceChannels;
import io.pgrealtime.gateway.presence.PresenceMember;
import io.pgrealtime.gateway.protocol.ServerMessages;
import io.pgrealtime.gateway.session.Wire;
import io.pgrealtime.gateway.subscription.TableSubscription;
import io.pgrealtime.gateway.transport.socketio.SocketIoWire;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.StreamId;

import java.util.ArrayList;
import java.util.List;

/** The raw WebSocket JSON protocol of protocol.md §1. */
public final class RawWire implements Wire {
    public static final RawWire INSTANCE = new RawWire();

    private RawWire() {
    }

    @Override
    public byte[] change(TableSubscription sub, StreamId id, ChangeEvent event, byte[] storedJson, String view) {
        return ServerMessages.change(sub.channel(), id.toString(), storedJson, view);
    }

    @Override
    public byte[] broadcast(String topic, String event, JsonNode payload, String senderUserId, String senderConnectionId) {
        // Events of the server API carry a marker for Socket.IO (emit the bare name); the raw protocol has no such split.
        String name = event.startsWith(SocketIoWire.PLAIN_PREFIX) ? event.substring(1) : event;
        return ServerMessages.broadcast("broadcast:" + topic, name, payload);
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
