package io.pgrealtime.protocol;

import java.util.Objects;

/**
 * Every Redis key the system uses, under one configurable prefix (default {@code rt:}) so that
 * several databases (one relay each) can share a Redis.
 *
 * <p>Thread-safe and immutable.
 */
public final class RedisKeys {
    /** Default prefix. */
    public static final String DEFAULT_PREFIX = "rt:";

    private final String prefix;

    public RedisKeys(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    public static RedisKeys defaults() {
        return new RedisKeys(DEFAULT_PREFIX);
    }

    public String prefix() {
        return prefix;
    }

    /** The change stream of one table: {@code rt:changes:{schema}.{table}}. */
    public String changes(String schema, String table) {
        return prefix + "changes:" + schema + "." + table;
    }

    /** The change stream of one table given as {@code schema.table}. */
    public String changes(String qualifiedTable) {
        return prefix + "changes:" + qualifiedTable;
    }

    /** Prefix shared by every change stream key, for SCAN. */
    public String changesPrefix() {
        return prefix + "changes:";
    }

    /** Configuration snapshot (a hash: {@code lsn}, {@code tables} JSON). */
    public String config() {
        return prefix + "config";
    }

    /** Control stream: configuration changes and database broadcasts, in WAL order. */
    public String control() {
        return prefix + "control";
    }

    /** The relay leader lease. */
    public String relayLeader() {
        return prefix + "relay:leader";
    }

    /** Relay status hash (slot lag, last confirmed LSN, leader id), written by the leader. */
    public String relayStatus() {
        return prefix + "relay:status";
    }

    /** Pub/Sub channel for a broadcast topic or room. */
    public String broadcastChannel(String topic) {
        return prefix + "bc:" + topic;
    }

    /** Presence members hash of a room. */
    public String presence(String room) {
        return prefix + "presence:" + room;
    }

    /** Liveness lease of a gateway node. */
    public String nodeLease(String nodeId) {
        return prefix + "node:" + nodeId;
    }

    /** Connection counter of one user across nodes. */
    public String userConnections(String userId) {
        return prefix + "conn:user:" + userId;
    }
}
