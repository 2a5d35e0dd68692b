package io.pgrealtime.relay.leader;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The relay leader lease in Redis: one key holding the leader's id with a TTL.
 *
 * <p>Acquire is {@code SET NX PX} (or extend if we already hold it), renew is compare-and-extend,
 * release is compare-and-delete; all three are Lua scripts ({@code /lua/lease_*.lua}) so the
 * compare and the write are atomic. The lease does not fence by itself: the replication slot is
 * exclusive in PostgreSQL, so a stale leader that still streams is refused a second connection,
 * and a leader that fails to renew stops streaming at once.
 *
 * <p>Not thread-safe: the caller serialises calls (the lettuce sync connection is shared safely).
 */
public final class LeaderLease {
    private static final String ACQUIRE = script("lease_acquire.lua");
    private static final String RENEW = script("lease_renew.lua");
    private static final String RELEASE = script("lease_release.lua");

    private final RedisCommands<String, String> redis;
    private final String key;
    private final String id;
    private final Duration ttl;

    public LeaderLease(RedisCommands<String, String> redis, String key, String id, Duration ttl) {
        this.redis = redis;
        this.key = key;
        this.id = id;
        this.ttl = ttl;
    }

    static String script(String name) {
        try (InputStream in = LeaderLease.class.getResourceAsStream("/lua/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing Lua script " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Takes the lease if it is free (or already ours). */
    public boolean tryAcquire() {
        return run(ACQUIRE);
    }

    /** Extends the lease if it is still ours; false means leadership is lost. */
    public boolean renew() {
        return run(RENEW);
    }

    /** Gives the lease up if it is ours, so a standby takes over without waiting for the TTL. */
    public boolean release() {
        Long r = redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {key}, id);
        return r != null && r == 1L;
    }

    /** The current holder, or null. */
    public String holder() {
        return redis.get(key);
    }

    public String id() {
        return id;
    }

    private boolean run(String script) {
        Long r = redis.eval(script, ScriptOutputType.INTEGER, new String[] {key}, id, Long.toString(ttl.toMillis()));
        return r != null && r == 1L;
    }
}
