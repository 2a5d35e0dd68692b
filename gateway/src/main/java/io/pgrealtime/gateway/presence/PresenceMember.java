package io.pgrealtime.gateway.presence;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.protocol.Json;

import java.time.Instant;
import java.util.Objects;

/**
 * One connection's presence in one room.
 *
 * @param connectionId the connection (unique across nodes)
 * @param userId       the connection's user; null for an anonymous connection
 * @param nodeId       the gateway node that holds the connection
 * @param state        what the client published ({@code {"name":"Ann"}}); an empty object when
 *                     none. Copied on construction; treat it as immutable.
 * @param joinedAt     when the connection joined the room (kept across state updates)
 */
public record PresenceMember(String connectionId, String userId, String nodeId, JsonNode state, Instant joinedAt) {

    public PresenceMember {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(joinedAt, "joinedAt");
        state = state == null || state.isMissingNode() ? Json.object() : state.deepCopy();
    }

    /** A member joining now. */
    public static PresenceMember of(String connectionId, String userId, String nodeId, JsonNode state) {
        return new PresenceMember(connectionId, userId, nodeId, state, Instant.now());
    }

    /** The same member with another state. */
    public PresenceMember withState(JsonNode newState) {
        return new PresenceMember(connectionId, userId, nodeId, newState, joinedAt);
    }
}
