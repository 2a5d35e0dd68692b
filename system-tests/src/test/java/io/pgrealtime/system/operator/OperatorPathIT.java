package io.pgrealtime.system.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.gateway.WsClient;
import io.pgrealtime.system.process.ChildProcess;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's operator path, as an operator runs it: both runnable jars started with
 * {@code java -jar} and only environment variables, each becomes healthy, and a row committed in
 * PostgreSQL reaches a WebSocket client.
 */
@RealtimeIntegrationTest
class OperatorPathIT {

    @Test
    void jarsWithDatabaseUrlAndRedisUrlStreamAChangeToAWebSocketClient(TestDatabase db, TestRedis redis) {
        String slot = db.uniqueName("op_slot");
        int relayPort = ChildProcess.freePort();
        int gatewayPort = ChildProcess.freePort();
        try (ChildProcess relay = Stack.relay("operator-relay", Stack.relayEnv(db, redis, slot, relayPort));
             ChildProcess gateway = Stack.gateway("operator-gateway", Stack.gatewayEnv(redis, gatewayPort))) {
            relay.awaitHttpOk(relayPort, "/health/readiness", Stack.START);
            relay.awaitHttpOk(relayPort, "/health/liveness", Duration.ofSeconds(5));
            gateway.awaitHttpOk(gatewayPort, "/health/readiness", Stack.START);
            gateway.awaitHttpOk(gatewayPort, "/health/liveness", Duration.ofSeconds(5));
            assertThat(ChildProcess.httpBody(relayPort, "/health")).contains("\"leader\":true").contains("STREAMING");
            assertThat(ChildProcess.httpStatus(gatewayPort, "/prometheus")).isEqualTo(200);
            assertThat(ChildProcess.httpBody(relayPort, "/prometheus")).contains("relay_");

            streamsOneRow(db, gatewayPort, "public.op_items");

            // A clean stop, as docker stop or Kubernetes does it (the lease is released for the next test).
            gateway.sigterm();
            relay.sigterm();
            assertThat(gateway.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
            assertThat(relay.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
            assertThat(relay.output()).contains("released the leader lease").doesNotContain("Exception");
        } finally {
            Stack.dropSlot(db, slot);
        }
    }

    /**
     * Also: the table is enabled while the new relay may still be a standby, before its slot exists
     * (the slot it creates starts after the change): the relay must take the configuration from the
     * database, not from the snapshot another slot left in Redis.
     */
    @Test
    void relayFromPgVariablesAndGatewayFromSocketRedisUrl(TestDatabase db, TestRedis redis) {
        String slot = db.uniqueName("op_pg_slot");
        int relayPort = ChildProcess.freePort();
        int gatewayPort = ChildProcess.freePort();
        URI u = URI.create(db.url().replace("postgresql://", "http://"));
        Map<String, String> relayEnv = new HashMap<>(Stack.relayEnv(db, redis, slot, relayPort));
        relayEnv.remove("DATABASE_URL");
        relayEnv.put("PGHOST", u.getHost());
        relayEnv.put("PGPORT", Integer.toString(u.getPort()));
        relayEnv.put("PGDATABASE", u.getPath().substring(1));
        relayEnv.put("PGUSER", db.user());
        relayEnv.put("PGPASSWORD", db.password());
        relayEnv.put("RELAY_PUBLICATION", "realtime");
        Map<String, String> gatewayEnv = new HashMap<>(Stack.gatewayEnv(redis, gatewayPort));
        gatewayEnv.remove("REDIS_URL");
        gatewayEnv.put("SOCKET_REDIS_URL", redis.uri());
        // REDIS_URL pointing nowhere: SOCKET_REDIS_URL must win.
        gatewayEnv.put("REDIS_URL", "redis://127.0.0.1:1");
        gatewayEnv.put("SOCKET_PATH", "/live");
        gatewayEnv.put("SOCKET_CORS_ENABLED_ORIGINS", "https://app.example");
        try (ChildProcess relay = Stack.relay("operator-relay-pg", relayEnv);
             ChildProcess gateway = Stack.gateway("operator-gateway-socket-redis", gatewayEnv)) {
            relay.awaitHttpOk(relayPort, "/health/readiness", Stack.START);
            gateway.awaitHttpOk(gatewayPort, "/health/readiness", Stack.START);
            // SOCKET_PATH moves Engine.IO; SOCKET_CORS_ENABLED_ORIGINS lets that origin poll.
            HttpResponse<String> handshake = get(gatewayPort, "/live/?EIO=4&transport=polling", "https://app.example");
            assertThat(handshake.statusCode()).isEqualTo(200);
            assertThat(handshake.body()).startsWith("0{\"sid\":");
            assertThat(handshake.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
            assertThat(get(gatewayPort, "/live/?EIO=4&transport=polling", "https://evil.example").headers()
                    .firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(get(gatewayPort, "/socket.io/?EIO=4&transport=polling", null).statusCode()).isNotEqualTo(200);
            streamsOneRow(db, gatewayPort, "public.op_pg_items");
        } finally {
            Stack.dropSlot(db, slot);
        }
    }

    @Test
    void socketEnabledFalseTurnsSocketIoOff(TestRedis redis) {
        int port = ChildProcess.freePort();
        Map<String, String> env = new HashMap<>(Stack.gatewayEnv(redis, port));
        env.put("SOCKET_ENABLED", "false");
        try (ChildProcess gateway = Stack.gateway("operator-gateway-no-socketio", env)) {
            gateway.awaitHttpOk(port, "/health/readiness", Stack.START);
            assertThat(get(port, "/socket.io/?EIO=4&transport=polling", null).statusCode()).isEqualTo(404);
            try (WsClient ws = WsClient.connect("ws://127.0.0.1:" + port + "/realtime", Stack.token("u", "admin"))) {
                ws.send("{\"type\":\"ping\",\"ref\":\"p\"}");
                assertThat(ws.await(m -> "p".equals(m.path("ref").asText())).path("type").asText()).isEqualTo("pong");
            }
        }
    }

    private static HttpResponse<String> get(int port, String path, String origin) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5));
        if (origin != null) {
            b.header("Origin", origin);
        }
        try {
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void streamsOneRow(TestDatabase db, int gatewayPort, String table) {
        db.execute("CREATE TABLE " + table + " (id bigserial PRIMARY KEY, title text NOT NULL)",
                "SELECT realtime.enable('" + table + "')");
        try (WsClient ws = WsClient.connect("ws://127.0.0.1:" + gatewayPort + "/realtime", Stack.token("operator", "admin"))) {
            // The gateway learns of the table from the relay's configuration stream; retry until it does.
            JsonNode ack = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int ref = 0;
            while (System.nanoTime() < deadline) {
                String r = "s" + (++ref);
                ws.send("{\"type\":\"subscribe\",\"channel\":\"table:" + table + "\",\"ref\":\"" + r + "\"}");
                ack = ws.await(m -> r.equals(m.path("ref").asText()), Duration.ofSeconds(5));
                if ("subscribed".equals(ack.path("status").asText())) {
                    break;
                }
                sleep(300);
            }
            assertThat(ack.path("status").asText()).as("last reply: %s", ack).isEqualTo("subscribed");
            db.execute("INSERT INTO " + table + "(title) VALUES ('from the operator test')");
            List<JsonNode> changes = ws.changes("table:" + table, 1, Duration.ofSeconds(20));
            assertThat(changes).hasSize(1);
            assertThat(changes.get(0).toString()).contains("from the operator test").contains("INSERT");
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
