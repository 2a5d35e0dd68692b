package io.pgrealtime.relay.replication;

/**
 * Where a replication session is, in order. Each step either succeeds and moves on or fails with
 * a message that says what to change; the relay then backs off and starts again from
 * {@link #CONNECT}.
 */
public enum ReplicationStep {
    /** Waiting for the leader lease (standby). */
    STANDBY,
    /** Opening the regular and replication connections. */
    CONNECT,
    /** {@code SHOW wal_level} must say {@code logical}. */
    CHECK_WAL_LEVEL,
    /** Schema {@code realtime}, its functions and the publication (migrations). */
    BOOTSTRAP,
    /** The publication exists and holds {@code realtime.tables}. */
    CHECK_PUBLICATION,
    /** The logical slot exists (created if missing) and no other process holds it. */
    CHECK_SLOT,
    /** Reading the slot and publishing to Redis. */
    STREAMING,
    /** Stopped: shut down, or leadership lost. */
    STOPPED
}
