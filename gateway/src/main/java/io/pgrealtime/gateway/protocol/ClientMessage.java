package io.pgrealtime.gateway.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** A message from a raw WebSocket client (protocol.md §1). Every message may carry {@code ref}. */
public sealed interface ClientMessage {

    /** Echoed on the ack or error the message causes; may be null. */
    String ref();

    record Subscribe(String channel, JsonNode filter, String since, JsonNode state, String ref) implements ClientMessage {
    }

    record Unsubscribe(String channel, String ref) implements ClientMessage {
    }

    /** @param event as sent, or {@link #DEFAULT_EVENT} when the client gave none */
    record Broadcast(String channel, String event, JsonNode payload, boolean self, String ref) implements ClientMessage {
        /** The event of a broadcast sent without one (seed 004's form); Socket.IO members get {@code room:broadcast}. */
        public static final String DEFAULT_EVENT = "broadcast";
    }

    record Presence(String channel, JsonNode state, String ref) implements ClientMessage {
    }

    record Auth(String token, String ref) implements ClientMessage {
    }

    record Ping(String ref) implements ClientMessage {
    }
}
