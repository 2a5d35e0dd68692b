package io.pgrealtime.gateway.presence;

import java.util.concurrent.CompletableFuture;

/**
 * Counts each user's open connections across all gateway nodes, to enforce the per-user
 * connection limit (protocol.md §5: 10 by default; excess is {@code CONNECTION_LIMIT_EXCEEDED}).
 *
 * <p>Connections are counted by id, so both calls are idempotent: acquiring twice for one
 * connection counts it once, and releasing twice (or releasing a connection that was refused)
 * does not free someone else's slot. {@link #tryAcquire} is atomic across nodes: with limit
 * {@code n}, at most {@code n} concurrent acquires for one user succeed, whichever nodes they run on.
 *
 * <p>Counts of a node that dies without {@link #close()} are dropped by the other nodes within the
 * node lease bound ({@link NodeLeaseSettings#reapBound()}), so a user does not stay locked out.
 *
 * <p>Thread-safe; methods do not block.
 */
public interface ConnectionCounter extends AutoCloseable {

    /**
     * Counts a connection of {@code userId} held by this node, unless the user already has
     * {@code limit} counted connections.
     *
     * @return true if counted (or already counted), false if the limit is reached
     */
    CompletableFuture<Boolean> tryAcquire(String userId, String connectionId, int limit);

    /** Stops counting a connection; does nothing if it is not counted. */
    CompletableFuture<Void> release(String userId, String connectionId);

    /** How many connections of the user are counted, across all nodes. */
    CompletableFuture<Long> count(String userId);

    /** Stops counting every connection of this node. */
    @Override
    void close();
}
