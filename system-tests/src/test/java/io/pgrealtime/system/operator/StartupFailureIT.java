package io.pgrealtime.system.operator;

import io.pgrealtime.system.process.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A setting a process cannot start with: it logs one line naming the setting and exits with
 * status 2 within seconds, with no stack trace. An unreachable server is not such a setting: the
 * process stays up, retries and says so in its health.
 */
class StartupFailureIT {
    private static final String SECRET = "startup-test-secret-of-at-least-32-bytes";

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of("wal-relay", Map.of("DATABASE_URL", "postgresql://postgres@localhost:5432/postgres`}"), "DATABASE_URL"),
                Arguments.of("wal-relay", Map.of("DATABASE_URL", "mysql://db:3306/app"), "DATABASE_URL"),
                Arguments.of("wal-relay", Map.of("PGPORT", "five"), "PGPORT"),
                Arguments.of("wal-relay", Map.of("REDIS_URL", "localhost:6379"), "REDIS_URL"),
                Arguments.of("wal-relay", Map.of("RELAY_SLOT", "Bad-Slot"), "RELAY_SLOT"),
                Arguments.of("wal-relay", Map.of("RELAY_PORT", "80a"), "RELAY_PORT"),
                Arguments.of("gateway", Map.of(), "JWT_SECRET"),
                Arguments.of("gateway", Map.of("JWT_SECRET", "short"), "JWT_SECRET"),
                Arguments.of("gateway", Map.of("JWT_SECRET", SECRET, "REDIS_URL", "redis://localhost:6379}"), "REDIS_URL"),
                Arguments.of("gateway", Map.of("JWT_SECRET", SECRET, "SOCKET_REDIS_URL", "http://x"), "SOCKET_REDIS_URL"),
                Arguments.of("gateway", Map.of("JWT_SECRET", SECRET, "JWKS_URL", "ftp://x"), "JWKS_URL"),
                Arguments.of("gateway", Map.of("JWT_SECRET", SECRET, "PORT", "http"), "PORT"));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("badSettings")
    void exitsWithOneLineNamingTheSetting(String module, Map<String, String> env, String setting) {
        try (ChildProcess p = ChildProcess.jar("bad-" + module + "-" + setting, module, env)) {
            int status = p.awaitExit(Duration.ofSeconds(30));
            assertThat(status).as("exit status; output:\n%s", p.output()).isEqualTo(2);
            assertThat(p.ageMillis()).isLessThan(30_000);
            assertThat(p.lines()).filteredOn(l -> l.contains("ERROR")).hasSize(1)
                    .first().asString().contains("invalid setting: " + setting);
            assertThat(p.output()).doesNotContain("\tat ").doesNotContain("Exception:");
        }
    }

    @Test
    void aRelayWhosePostgresIsUnreachableStaysUpNotReadyAndSaysWhy() {
        int port = ChildProcess.freePort();
        int redisPort = ChildProcess.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + ChildProcess.freePort() + "/postgres");
        env.put("REDIS_URL", "redis://127.0.0.1:" + redisPort);
        env.put("RELAY_PORT", Integer.toString(port));
        try (ChildProcess p = ChildProcess.jar("relay-unreachable", "wal-relay", env)) {
            p.awaitHttpOk(port, "/health/liveness", Duration.ofSeconds(30));
            assertThat(ChildProcess.httpStatus(port, "/health/readiness")).isEqualTo(503);
            assertThat(ChildProcess.httpBody(port, "/health")).contains("Redis unreachable");
            p.awaitLine("Redis unreachable for the leader lease", Duration.ofSeconds(10));
            // Retried with backoff, logged once per outage, the process stays up.
            sleep(3_000);
            assertThat(p.isAlive()).isTrue();
            assertThat(p.lines()).filteredOn(l -> l.contains("Redis unreachable for the leader lease")).hasSize(1);
        }
    }

    @Test
    void aGatewayStartedBeforeRedisWaitsForIt() {
        int port = ChildProcess.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("JWT_SECRET", SECRET);
        env.put("REDIS_URL", "redis://127.0.0.1:" + ChildProcess.freePort());
        env.put("PORT", Integer.toString(port));
        try (ChildProcess p = ChildProcess.jar("gateway-before-redis", "gateway", env)) {
            p.awaitLine("unreachable .*waiting for it", Duration.ofSeconds(30));
            sleep(2_000);
            assertThat(p.isAlive()).isTrue();
            assertThat(ChildProcess.httpStatus(port, "/health/readiness")).isNotEqualTo(200);
            // SIGTERM while waiting ends it promptly.
            p.sigterm();
            assertThat(p.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
