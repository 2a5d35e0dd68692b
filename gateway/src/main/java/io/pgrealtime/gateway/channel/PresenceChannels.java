package io.pgrealtime.gateway.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.protocol.PresenceChannel;

/** Presence rooms ({@code presence:{room}}) across nodes. */
public final class PresenceChannels {

    public void join(ClientSession s, PresenceChannel room, JsonNode state, Runnable acked) {
        throw new GatewayException(ErrorCode.SUBSCRIPTION_FAILED, "presence is not available yet");
    }

    public void update(ClientSession s, PresenceChannel room, JsonNode state) {
        throw new GatewayException(ErrorCode.SUBSCRIPTION_FAILED, "presence is not available yet");
    }

    public void leave(ClientSession s, PresenceChannel room) {
        s.subscriptions().remove(room.name());
    }

    public void closed(ClientSession s) {
        // Nothing held yet.
    }
}
