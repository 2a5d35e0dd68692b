package io.pgrealtime.gateway.presence;

import io.pgrealtime.protocol.RedisKeys;

/**
 * Redis names of presence, node leases and connection counts, all under the key prefix.
 *
 * <p>Room hashes are {@link RedisKeys#presence(String) {prefix}presence:{room}}; a room name may
 * contain {@code :}, so every other presence key uses a different word ({@code presence-rooms},
 * {@code presence-conn:}, {@code presence-node:}) and can never collide with a room.
 */
final class PresenceKeys {
    private final RedisKeys keys;
    private final String prefix;

    PresenceKeys(RedisKeys keys) {
        this.keys = keys;
        this.prefix = keys.prefix();
    }

    /** Hash of a room's members: connection id to member JSON. */
    String room(String room) {
        return keys.presence(room);
    }

    String roomPrefix() {
        return keys.presence("");
    }

    /** Set of rooms that have (or recently had) members. */
    String rooms() {
        return prefix + "presence-rooms";
    }

    /** Set of the rooms one connection is in. */
    String connection(String connectionId) {
        return connectionPrefix() + connectionId;
    }

    String connectionPrefix() {
        return prefix + "presence-conn:";
    }

    /** Set of a node's connections that are in some room. */
    String nodeConnections(String nodeId) {
        return nodeConnectionsPrefix() + nodeId;
    }

    String nodeConnectionsPrefix() {
        return prefix + "presence-node:";
    }

    /** Pub/Sub channel of presence events (all rooms). */
    String events() {
        return prefix + "presence-events";
    }

    /** Set of the ids of nodes that hold (or held) a lease or data. */
    String nodes() {
        return prefix + "nodes";
    }

    /** A node's liveness lease. */
    String lease(String nodeId) {
        return keys.nodeLease(nodeId);
    }

    String leasePrefix() {
        return keys.nodeLease("");
    }

    /** Lock taken by the node that reaps a dead node. */
    String reaperLock(String nodeId) {
        return prefix + "node-reaper:" + nodeId;
    }

    /** Hash of a user's counted connections: connection id to node id. */
    String userConnections(String userId) {
        return keys.userConnections(userId);
    }

    String userConnectionsPrefix() {
        return keys.userConnections("");
    }

    /** Set of the users a node holds counted connections for. */
    String nodeUsers(String nodeId) {
        return prefix + "conn-node:" + nodeId;
    }
}
