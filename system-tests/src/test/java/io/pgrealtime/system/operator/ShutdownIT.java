package io.pgrealtime.system.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.pgrealtime.gateway.WsClient;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.RedisKeys;
import io.pgrealtime.system.process.ChildProcess;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.RedisServer;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import org.json.JSONObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM, as {@code docker stop} and Kubernetes send it, on the real processes: a gateway tells
 * its clients to go elsewhere (raw WebSocket close 1001, Socket.IO transport close that stock
 * clients reconnect on) and exits within 10 s even with Redis gone; a relay releases its lease so
 * the standby takes over at once, and exits within 10 s even with Redis gone.
 */
@RealtimeIntegrationTest
class ShutdownIT {

    @Test
    void gatewayTellsClientsToReconnectElsewhereAndTheyResumeOnAnotherNode(TestDatabase db, TestRedis redis) throws Exception {
        String slot = db.uniqueName("sd_slot");
        int relayPort = ChildProcess.freePort();
        int portA = ChildProcess.freePort();
        int portB = ChildProcess.freePort();
        try (ChildProcess relay = Stack.relay("shutdown-relay", Stack.relayEnv(db, redis, slot, relayPort));
             ChildProcess a = Stack.gateway("shutdown-gateway-a", Stack.gatewayEnv(redis, portA));
             ChildProcess b = Stack.gateway("shutdown-gateway-b", Stack.gatewayEnv(redis, portB))) {
            relay.awaitHttpOk(relayPort, "/health/readiness", Stack.START);
            a.awaitHttpOk(portA, "/health/readiness", Stack.START);
            b.awaitHttpOk(portB, "/health/readiness", Stack.START);
            OperatorPathIT.streamsOneRow(db, portA, "public.sd_items");

            WsClient ws = WsClient.connect("ws://127.0.0.1:" + portA + "/realtime", Stack.token("raw-user", "admin"));
            ws.send("{\"type\":\"subscribe\",\"channel\":\"table:public.sd_items\",\"ref\":\"1\"}");
            assertThat(ws.await(m -> "1".equals(m.path("ref").asText())).path("status").asText()).isEqualTo("subscribed");
            Socket sio = IO.socket(URI.create("http://127.0.0.1:" + portA), IO.Options.builder()
                    .setAuth(Map.of("token", Stack.token("sio-user", "admin"))).setReconnection(false)
                    .setTransports(new String[] {"polling"}).build());
            CompletableFuture<Void> connected = new CompletableFuture<>();
            CompletableFuture<String> disconnected = new CompletableFuture<>();
            sio.on(Socket.EVENT_CONNECT, x -> connected.complete(null));
            sio.on(Socket.EVENT_DISCONNECT, x -> disconnected.complete(x.length > 0 ? String.valueOf(x[0]) : ""));
            sio.connect();
            connected.get(10, TimeUnit.SECONDS);
            CompletableFuture<Object> ack = new CompletableFuture<>();
            sio.emit("subscribe", new Object[] {new JSONObject().put("collection", "sd_items")}, (Ack) x -> ack.complete(x[0]));
            assertThat(((JSONObject) ack.get(10, TimeUnit.SECONDS)).getString("status")).isEqualTo("success");

            // An Engine.IO session on the websocket transport, seen at the frame level (the Java
            // Socket.IO client does not notice a server's close frame; browsers' clients do).
            WsClient engineWs = WsClient.connect("ws://127.0.0.1:" + portA + "/socket.io/?EIO=4&transport=websocket", null);
            engineWs.await(m -> m.path("unparseable").asText().startsWith("0{"), Duration.ofSeconds(5));

            db.execute("INSERT INTO public.sd_items(title) VALUES ('before')");
            JsonNode before = ws.changes("table:public.sd_items", 1, Duration.ofSeconds(15)).get(0);

            long t0 = System.nanoTime();
            a.sigterm();
            assertThat(ws.awaitClose(Duration.ofSeconds(5))).isEqualTo(1001);
            assertThat(ws.closeReason()).isEqualTo("going away");
            // "transport close" is what stock Socket.IO clients reconnect on ("io server disconnect" they do not).
            assertThat(disconnected.get(5, TimeUnit.SECONDS)).isEqualTo("transport close");
            assertThat(engineWs.awaitClose(Duration.ofSeconds(5))).isEqualTo(1000);
            assertThat(a.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
            long stopMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(a.output()).contains("told 3 connections to reconnect elsewhere");
            sio.close();

            // Written while the client is between nodes; it resumes on B from its last event id.
            db.execute("INSERT INTO public.sd_items(title) VALUES ('while away')");
            try (WsClient again = WsClient.connect("ws://127.0.0.1:" + portB + "/realtime", Stack.token("raw-user", "admin"))) {
                again.send("{\"type\":\"subscribe\",\"channel\":\"table:public.sd_items\",\"ref\":\"2\",\"since\":\""
                        + before.path("id").asText() + "\"}");
                JsonNode resumed = again.await(m -> "2".equals(m.path("ref").asText()));
                assertThat(resumed.path("status").asText()).isEqualTo("subscribed");
                assertThat(resumed.path("recovered").asBoolean()).isTrue();
                db.execute("INSERT INTO public.sd_items(title) VALUES ('after')");
                List<JsonNode> got = again.changes("table:public.sd_items", 2, Duration.ofSeconds(15));
                assertThat(got).extracting(m -> m.path("payload").path("record").path("title").asText())
                        .containsExactly("while away", "after");
            }
            System.out.println("SHUTDOWN: gateway stopped " + stopMillis + " ms after SIGTERM, 3 clients told to reconnect");
        } finally {
            Stack.dropSlot(db, slot);
        }
    }

    @Test
    void gatewayExitsWithin10sOfSigtermWhenRedisIsGone(TestRedis redis) {
        RedisServer server = redis.server();
        Assumptions.assumeTrue(server.canRestart(), "needs a Redis the test can stop");
        int port = ChildProcess.freePort();
        try (ChildProcess g = Stack.gateway("shutdown-gateway-no-redis", Stack.gatewayEnv(redis, port))) {
            g.awaitHttpOk(port, "/health/readiness", Stack.START);
            stopsWithin10sWithoutRedis(server, g);
        }
    }

    @Test
    void relayReleasesItsLeaseOnSigtermSoTheStandbyTakesOverAtOnce(TestDatabase db, TestRedis redis) {
        String slot = db.uniqueName("sd_relay_slot");
        int p1 = ChildProcess.freePort();
        int p2 = ChildProcess.freePort();
        try (ChildProcess first = Stack.relay("shutdown-relay-1", Stack.relayEnv(db, redis, slot, p1))) {
            first.awaitLine("is now the leader", Stack.START);
            first.awaitHttpOk(p1, "/health/readiness", Stack.START);
            db.execute("CREATE TABLE public.sd_seq (seq bigint PRIMARY KEY)", "SELECT realtime.enable('public.sd_seq')");
            try (ChildProcess second = Stack.relay("shutdown-relay-2", Stack.relayEnv(db, redis, slot, p2))) {
                second.awaitHttpOk(p2, "/health/readiness", Stack.START);
                assertThat(ChildProcess.httpBody(p2, "/health")).contains("\"leader\":false");
                // Single-row transactions keep coming while the leader stops: none may be lost or stored twice.
                AtomicLong written = new AtomicLong();
                AtomicBoolean writing = new AtomicBoolean(true);
                Thread writer = new Thread(() -> {
                    try (Connection c = db.connect(); PreparedStatement ins = c.prepareStatement("INSERT INTO public.sd_seq VALUES (?)")) {
                        while (writing.get()) {
                            ins.setLong(1, written.get() + 1);
                            ins.executeUpdate();
                            written.incrementAndGet();
                            Thread.sleep(5);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "sd-writer");
                writer.start();
                sleepMillis(1_500);
                long t0 = System.nanoTime();
                first.sigterm();
                assertThat(first.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
                assertThat(first.output()).contains("released the leader lease");
                second.awaitLine("is now the leader", Duration.ofSeconds(5));
                long takeover = (System.nanoTime() - t0) / 1_000_000;
                // The lease TTL is 12 s: a takeover this fast means the lease was released, not left to lapse.
                assertThat(takeover).isLessThan(5_000);
                second.awaitHttpOk(p2, "/health/readiness", Duration.ofSeconds(20));
                assertThat(ChildProcess.httpBody(p2, "/health")).contains("\"leader\":true").contains("STREAMING");
                sleepMillis(1_000);
                writing.set(false);
                join(writer);
                List<Long> stored = storedSeqs(redis, "public.sd_seq", written.get());
                assertThat(stored).as("every committed row stored once, in commit order")
                        .isEqualTo(LongStream.rangeClosed(1, written.get()).boxed().toList());
                System.out.println("SHUTDOWN: standby relay led " + takeover + " ms after SIGTERM to the leader; "
                        + written.get() + " rows written across the switch, each stored once");
                second.sigterm();
                assertThat(second.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
            }
        } finally {
            Stack.dropSlot(db, slot);
        }
    }

    @Test
    void relayExitsWithin10sOfSigtermWhenRedisIsGone(TestDatabase db, TestRedis redis) {
        RedisServer server = redis.server();
        Assumptions.assumeTrue(server.canRestart(), "needs a Redis the test can stop");
        String slot = db.uniqueName("sd_nr_slot");
        int port = ChildProcess.freePort();
        try (ChildProcess r = Stack.relay("shutdown-relay-no-redis", Stack.relayEnv(db, redis, slot, port))) {
            r.awaitLine("streaming slot", Stack.START);
            stopsWithin10sWithoutRedis(server, r);
        } finally {
            Stack.dropSlot(db, slot);
        }
    }

    /** Kills Redis (SIGKILL), sends SIGTERM, expects the exit within 10 s; starts Redis again. */
    private static void stopsWithin10sWithoutRedis(RedisServer server, ChildProcess p) {
        server.kill();
        try {
            long t0 = System.nanoTime();
            p.sigterm();
            assertThat(p.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
            System.out.println("SHUTDOWN: " + p.name() + " stopped " + (System.nanoTime() - t0) / 1_000_000
                    + " ms after SIGTERM with Redis killed");
        } finally {
            server.start();
        }
    }

    /** The {@code seq} of every entry of a table stream, in stream order, once it holds {@code expected} entries (or 20 s). */
    private static List<Long> storedSeqs(TestRedis redis, String table, long expected) {
        RedisClient client = redis.newClient();
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            String key = new RedisKeys(redis.keyPrefix()).changes(table);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (c.sync().xlen(key) < expected && System.nanoTime() < deadline) {
                sleepMillis(100);
            }
            List<Long> out = new ArrayList<>();
            for (StreamMessage<String, String> m : c.sync().xrange(key, Range.create("-", "+"))) {
                out.add(Json.mapper().readTree(m.getBody().get("e")).path("record").path("seq").asLong());
            }
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            client.shutdown();
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
