package io.pgrealtime.system.operator;

import io.pgrealtime.gateway.auth.JwtIssuer;
import io.pgrealtime.system.process.ChildProcess;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Environment and helpers for starting the relay and gateway jars on the harness's servers. */
final class Stack {
    static final String SECRET = "system-test-secret-of-at-least-32-bytes!!";
    static final Duration START = Duration.ofSeconds(60);

    private Stack() {
    }

    /** What an operator sets for a relay: DATABASE_URL, REDIS_URL, RELAY_PORT, RELAY_SLOT, REALTIME_KEY_PREFIX. */
    static Map<String, String> relayEnv(TestDatabase db, TestRedis redis, String slot, int port) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.url());
        env.put("REDIS_URL", redis.uri());
        env.put("RELAY_PORT", Integer.toString(port));
        env.put("RELAY_SLOT", slot);
        env.put("REALTIME_KEY_PREFIX", redis.keyPrefix());
        return env;
    }

    /** What an operator sets for a gateway: REDIS_URL, JWT_SECRET, PORT, REALTIME_KEY_PREFIX. */
    static Map<String, String> gatewayEnv(TestRedis redis, int port) {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", redis.uri());
        env.put("JWT_SECRET", SECRET);
        env.put("PORT", Integer.toString(port));
        env.put("REALTIME_KEY_PREFIX", redis.keyPrefix());
        return env;
    }

    static String token(String sub, String role) {
        return JwtIssuer.hs256(SECRET).sign(Map.of("sub", sub, "role", role,
                "exp", Instant.now().plusSeconds(3600).getEpochSecond()));
    }

    static void dropSlot(TestDatabase db, String slot) {
        db.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot
                + "' AND NOT active");
    }

    static ChildProcess relay(String name, Map<String, String> env) {
        return ChildProcess.jar(name, "wal-relay", env);
    }

    static ChildProcess gateway(String name, Map<String, String> env) {
        return ChildProcess.jar(name, "gateway", env);
    }
}
