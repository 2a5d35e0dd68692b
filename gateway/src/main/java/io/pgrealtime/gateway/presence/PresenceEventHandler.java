package io.pgrealtime.gateway.presence;

/**
 * Receives presence changes of every room, from every node, on every node: the caller forwards
 * them to its own subscribers of that room.
 *
 * <p>Ordering: every node receives the events in one order, the order in which the shared state
 * changed (a join before the update and the leave of the same member). The node that made a
 * change gets its event through the same path, asynchronously, not from inside the call.
 *
 * <p>Delivery: at-most-once for {@link RedisPresenceManager} (Redis Pub/Sub): a node that loses its
 * connection to Redis misses the events of that time and then gets {@link #onResync()}. The
 * shared state ({@link PresenceManager#members}) is always authoritative.
 *
 * <p>Threading: called from one thread at a time; must not block.
 */
public interface PresenceEventHandler {

    /** A connection joined a room. */
    void onJoin(String room, PresenceMember member);

    /** A connection left a room: it left, disconnected, its node shut down, or its node died. */
    void onLeave(String room, PresenceMember member);

    /** A member's state changed (or it joined again with other data); the member as it is now. */
    default void onUpdate(String room, PresenceMember member) {
    }

    /**
     * Events may have been missed (the event connection was re-established). Re-read
     * {@link PresenceManager#members} for the rooms you show and send your subscribers a full sync.
     */
    default void onResync() {
    }

    /** A handler that ignores everything. */
    static PresenceEventHandler none() {
        return new PresenceEventHandler() {
            @Override
            public void onJoin(String room, PresenceMember member) {
            }

            @Override
            public void onLeave(String room, PresenceMember member) {
            }
        };
    }
}
