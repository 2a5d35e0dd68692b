package io.pgrealtime.gateway.presence;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Who is in which room, across all gateway nodes.
 *
 * <p>A member is one connection in one room ({@link PresenceMember}); a connection may be in many
 * rooms and a user may have many connections. Changes are announced to the
 * {@link PresenceEventHandler} of every node, this one included, after the shared state has
 * changed: a node that receives {@code onJoin} finds the member in {@link #members}.
 *
 * <p>Liveness: members belong to the node that holds their connection. A node's members leave
 * when their connections leave ({@link #leave}, {@link #leaveAll}), when the node closes
 * ({@link #close()}: a graceful leave, announced at once) and when the node dies: see
 * {@link RedisPresenceManager} for the bound.
 *
 * <p>Thread-safe. Methods do not block; futures complete when the shared state has been changed
 * (or read). Calls made by one thread for one connection take effect in call order.
 */
public interface PresenceManager extends AutoCloseable {

    /** This node's id; members joined here must carry it. */
    String nodeId();

    /**
     * Adds a member to a room. If the connection is already in the room, its entry is replaced
     * and announced as {@code onUpdate} (nothing is announced if it is identical).
     *
     * @return true if the connection was not in the room before
     * @throws IllegalArgumentException if {@code member.nodeId()} is not this node
     */
    CompletableFuture<Boolean> join(String room, PresenceMember member);

    /**
     * Replaces a member's state ({@code onUpdate}); {@code joinedAt} is kept.
     *
     * @return the updated member, or empty if the connection is not in the room
     */
    CompletableFuture<Optional<PresenceMember>> update(String room, String connectionId, JsonNode state);

    /**
     * Removes a connection from a room ({@code onLeave}).
     *
     * @return the member that left, or empty if it was not there
     */
    CompletableFuture<Optional<PresenceMember>> leave(String room, String connectionId);

    /**
     * Removes one of this node's connections from every room it is in (on disconnect).
     *
     * @return the rooms it left
     */
    CompletableFuture<Set<String>> leaveAll(String connectionId);

    /** The members of a room, across all nodes, oldest first (by {@code joinedAt}, then connection id). */
    CompletableFuture<List<PresenceMember>> members(String room);

    /** How many members a room has, across all nodes. */
    CompletableFuture<Long> count(String room);

    /** Rooms with at least one member, across all nodes, with their member counts, sorted by name. */
    CompletableFuture<Map<String, Long>> rooms();

    /** Removes this node's members (announcing their leave) and releases resources. */
    @Override
    void close();
}
