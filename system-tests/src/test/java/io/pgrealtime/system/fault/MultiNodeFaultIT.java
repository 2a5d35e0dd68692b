package io.pgrealtime.system.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.pgrealtime.gateway.WsClient;
import io.pgrealtime.gateway.auth.JwtIssuer;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.RedisKeys;
import io.pgrealtime.system.process.ChildProcess;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole system as operators run it, under crashes: two relays (leader and standby on one slot)
 * and two gateways as separate processes, 200 clients (100 raw WebSocket, 100 Socket.IO, half on
 * each gateway) and a writer committing one row per transaction at a steady rate. Mid-run the
 * leader relay is SIGKILLed (the standby must take over within 15 s), later one gateway is
 * SIGKILLed (its clients reconnect to the other gateway and resume from their last event id).
 * At the end every client must have received every committed row exactly once, in commit order.
 *
 * <p>Every client subscribes (and is acknowledged) before the writer starts, so each client's
 * expected list is the whole committed list, seq 1..rows.
 *
 * <p>Figures (printed as one {@code MULTI-NODE FAULT:} line):
 * <ul>
 *   <li>relay failover: from the SIGKILL of the leader relay until the first row whose insert
 *       started after the kill has reached all 200 clients (also printed: until the standby logged
 *       "is now the leader", and until its {@code /health} said leader + STREAMING);</li>
 *   <li>gateway failover (reconnect+resume), per client of the killed gateway: from the SIGKILL
 *       until its resubscribe with {@code since} on the other gateway is acknowledged and an event
 *       has arrived on the new connection; the maximum over those 100 clients;</li>
 *   <li>events replayed: events received on the resumed connections whose commit had returned
 *       before the client sent its resubscribe, i.e. missed while disconnected and delivered from
 *       the stream history because of {@code since} (summed over the 100 clients);</li>
 *   <li>lost / duplicated: committed rows a client never received / extra copies it received,
 *       summed over all clients.</li>
 * </ul>
 */
@RealtimeIntegrationTest
class MultiNodeFaultIT {
    private static final String SECRET = "multi-node-fault-test-secret-of-at-least-32-bytes";
    private static final String TABLE = "public.fault_events";
    private static final int RAW_CLIENTS = 100;
    private static final int SIO_CLIENTS = 100;
    private static final int ROWS_PER_SECOND = 50;
    private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(15);
    private static final Duration LEASE_TTL = Duration.ofSeconds(4);

    private final JwtIssuer issuer = JwtIssuer.hs256(SECRET);

    @Test
    void crashingTheLeaderRelayAndAGatewayLosesAndDuplicatesNoEvent(TestDatabase db, TestRedis redis) throws Exception {
        long testStart = System.nanoTime();
        String slot = db.uniqueName("fault_slot");
        List<ChildProcess> processes = new ArrayList<>();
        List<FaultClient> clients = new ArrayList<>();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fault-client-timers");
            t.setDaemon(true);
            return t;
        });
        RowWriter writer = new RowWriter(db, ROWS_PER_SECOND);
        try {
            // ---- 1. Two relays on one slot, two gateways: four processes, started together.
            int[] relayPorts = {ChildProcess.freePort(), ChildProcess.freePort()};
            int[] gatewayPorts = {ChildProcess.freePort(), ChildProcess.freePort()};
            ChildProcess[] relays = new ChildProcess[2];
            ChildProcess[] gateways = new ChildProcess[2];
            for (int i = 0; i < 2; i++) {
                String name = "fault-relay-" + (char) ('a' + i);
                Map<String, String> env = new LinkedHashMap<>();
                env.put("DATABASE_URL", db.url());
                env.put("REDIS_URL", redis.uri());
                env.put("REALTIME_KEY_PREFIX", redis.keyPrefix());
                env.put("RELAY_SLOT", slot);
                env.put("RELAY_PORT", Integer.toString(relayPorts[i]));
                env.put("RELAY_NODE_ID", name);
                env.put("RELAY_LEASE_TTL", LEASE_TTL.toSeconds() + "s");
                env.put("RELAY_LEASE_RENEW_INTERVAL", "1s");
                relays[i] = ChildProcess.jar(name, "wal-relay", env);
                processes.add(relays[i]);
            }
            for (int i = 0; i < 2; i++) {
                gateways[i] = ChildProcess.jar("fault-gateway-" + (char) ('a' + i), "gateway", Map.of(
                        "REDIS_URL", redis.uri(),
                        "REALTIME_KEY_PREFIX", redis.keyPrefix(),
                        "JWT_SECRET", SECRET,
                        "PORT", Integer.toString(gatewayPorts[i])));
                processes.add(gateways[i]);
            }
            for (int i = 0; i < 2; i++) {
                relays[i].awaitHttpOk(relayPorts[i], "/health/readiness", Duration.ofSeconds(120));
            }
            for (int i = 0; i < 2; i++) {
                gateways[i].awaitHttpOk(gatewayPorts[i], "/health/readiness", Duration.ofSeconds(120));
            }
            int leader = awaitSingleStreamingLeader(relayPorts, Duration.ofSeconds(60));
            int standby = 1 - leader;
            assertThat(relays[leader].output()).contains("relay " + relays[leader].name() + " is now the leader");
            assertThat(relayDetails(relayPorts[standby]).path("step").asText()).isEqualTo("STANDBY");

            // RELAY_LEASE_TTL reached relay.lease-ttl: the lease key lives at most 4 s (12 s by default).
            RedisKeys keys = new RedisKeys(redis.keyPrefix());
            RedisClient redisClient = redis.newClient();
            long leasePttl;
            String leaseHolder;
            try (StatefulRedisConnection<String, String> c = redisClient.connect()) {
                leasePttl = c.sync().pttl(keys.relayLeader());
                leaseHolder = c.sync().get(keys.relayLeader());
            } finally {
                redisClient.shutdown();
            }
            assertThat(leasePttl).as("PTTL of the leader lease").isBetween(1L, LEASE_TTL.toMillis());
            assertThat(leaseHolder).contains(relays[leader].name());

            // ---- 2. The table, once the relays are up (they create schema realtime).
            db.execute("CREATE TABLE " + TABLE + " (id bigserial PRIMARY KEY, seq bigint NOT NULL UNIQUE, payload text)",
                    "SELECT realtime.enable('" + TABLE + "')");
            for (int port : gatewayPorts) {
                awaitTableKnown(port, Duration.ofSeconds(30));
            }

            // ---- 3. 200 clients, half of each kind on each gateway, all subscribed before any row.
            for (int i = 0; i < RAW_CLIENTS; i++) {
                String name = "raw-" + i;
                clients.add(new RawFaultClient(name, token(name), gatewayPorts, i % 2, timers));
            }
            for (int i = 0; i < SIO_CLIENTS; i++) {
                String name = "sio-" + i;
                // One in five starts on polling and upgrades (the library's default); half resume with restore-subscriptions.
                String[] transports = (i / 4) % 5 == 0 ? null : new String[] {"websocket"};
                boolean restoreStyle = (i / 2) % 2 == 1;
                clients.add(new SioFaultClient(name, token(name), gatewayPorts, i % 2, timers, transports, restoreStyle));
            }
            clients.forEach(FaultClient::start);
            awaitUntil(Duration.ofSeconds(60), () -> clients.stream().allMatch(c -> c.firstSubscribe.isDone()),
                    () -> "not subscribed: " + clients.stream().filter(c -> !c.firstSubscribe.isDone()).toList()
                            + ", errors: " + errors(clients));
            assertThat(errors(clients)).as("client errors").isEmpty();

            // ---- 4. The writer: one row per transaction, seq 1, 2, 3, …
            writer.start();
            awaitUntil(Duration.ofSeconds(30), () -> writer.committed() >= 8 * ROWS_PER_SECOND || writer.failure() != null,
                    () -> "writer too slow: " + writer.committed());
            assertThat(writer.failure()).isNull();

            // ---- 5. SIGKILL the leader relay.
            int leaderLinesBefore = countLeaderLines(relays[standby]);
            long relayKillAt = System.nanoTime();
            relays[leader].sigkill();
            long electedAt = 0;
            long streamingAt = 0;
            long deliveredAt = 0;
            long firstSeqAfterKill = -1;
            long relayDeadline = relayKillAt + TimeUnit.SECONDS.toNanos(30);
            while ((electedAt == 0 || streamingAt == 0 || deliveredAt == 0) && System.nanoTime() < relayDeadline) {
                if (electedAt == 0 && countLeaderLines(relays[standby]) > leaderLinesBefore) {
                    electedAt = System.nanoTime();
                }
                if (streamingAt == 0 && isStreamingLeader(relayDetails(relayPorts[standby]))) {
                    streamingAt = System.nanoTime();
                }
                if (firstSeqAfterKill < 0) {
                    firstSeqAfterKill = writer.firstStartedAfter(relayKillAt);
                }
                if (deliveredAt == 0 && firstSeqAfterKill > 0) {
                    deliveredAt = deliveredToAll(clients, firstSeqAfterKill);
                }
                assertThat(writer.failure()).isNull();
                Thread.sleep(50);
            }
            assertThat(electedAt).as("standby logged 'is now the leader'").isPositive();
            assertThat(streamingAt).as("standby's /health says leader + STREAMING").isPositive();
            assertThat(deliveredAt).as("seq %s (the first row after the kill) reached all clients", firstSeqAfterKill)
                    .isPositive();
            long relayElectedMs = ms(electedAt - relayKillAt);
            long relayStreamingMs = ms(streamingAt - relayKillAt);
            long relayFailoverMs = ms(Math.max(deliveredAt, streamingAt) - relayKillAt);
            System.out.printf("relay failover: leader %s killed at seq ~%d; standby elected after %d ms, /health STREAMING "
                    + "after %d ms, seq %d reached all %d clients after %d ms%n", relays[leader].name(),
                    firstSeqAfterKill - 1, relayElectedMs, relayStreamingMs, firstSeqAfterKill, clients.size(),
                    ms(deliveredAt - relayKillAt));

            // ---- 6. Steady again for a while, then SIGKILL gateway b.
            long steadyUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            while (System.nanoTime() < steadyUntil) {
                Thread.sleep(100);
            }
            int killed = 1;
            int survivor = 0;
            List<FaultClient> affected = clients.stream().filter(c -> c.gateway == killed).toList();
            List<FaultClient> unaffected = clients.stream().filter(c -> c.gateway != killed).toList();
            assertThat(affected).hasSize(clients.size() / 2);
            assertThat(clients).allMatch(c -> c.drops() == 0, "no drop before the gateway kill");
            long gatewayKillAt = System.nanoTime();
            gateways[killed].sigkill();
            awaitUntil(Duration.ofSeconds(30), () -> affected.stream().allMatch(FaultClient::resumed),
                    () -> "not resumed: " + affected.stream().filter(c -> !c.resumed()).map(c -> c + "(drops="
                            + c.drops() + ", " + c.dropReason() + ")").toList() + ", errors: " + errors(clients));
            long[] gatewayFailoverMs = affected.stream()
                    .mapToLong(c -> ms(Math.max(c.resumeAckAt(), c.firstEventAfterResumeAt()) - gatewayKillAt))
                    .sorted().toArray();

            // ---- 7. Steady again, then stop the writer and let every client catch up.
            steadyUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (System.nanoTime() < steadyUntil) {
                Thread.sleep(100);
            }
            int rows = writer.stopAndJoin();
            assertThat(writer.failure()).as("writer").isNull();
            long catchUpStart = System.nanoTime();
            long catchUpDeadline = catchUpStart + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < catchUpDeadline && !clients.stream().allMatch(c -> c.lastSeq() >= rows)) {
                Thread.sleep(100);
            }
            long catchUpMs = ms(System.nanoTime() - catchUpStart);
            Thread.sleep(1_000); // Anything duplicated after the last row would arrive now.

            // ---- 8. Figures, then the verdict.
            long[] expected = new long[rows];
            for (int i = 0; i < rows; i++) {
                expected[i] = i + 1;
            }
            long lost = 0;
            long duplicated = 0;
            List<String> wrong = new ArrayList<>();
            for (FaultClient c : clients) {
                long[] got = c.seqs();
                Set<Long> distinct = new HashSet<>();
                long dups = 0;
                for (long s : got) {
                    if (!distinct.add(s)) {
                        dups++;
                    }
                }
                long missing = 0;
                for (long s : expected) {
                    if (!distinct.contains(s)) {
                        missing++;
                    }
                }
                lost += missing;
                duplicated += dups;
                if (!Arrays.equals(got, expected)) {
                    wrong.add(describeMismatch(c, got, expected, missing, dups));
                }
            }
            long replayed = 0;
            for (FaultClient c : affected) {
                long sent = c.resubscribeSentAt();
                for (long s : c.seqsAfterResume()) {
                    if (s >= 1 && s <= rows && writer.committedAt(s) < sent) {
                        replayed++;
                    }
                }
            }
            long gatewayMax = gatewayFailoverMs[gatewayFailoverMs.length - 1];
            long gatewayMedian = gatewayFailoverMs[gatewayFailoverMs.length / 2];
            String summary = String.format("MULTI-NODE FAULT: rows=%d, clients=%d, relay failover=%d ms, gateway failover "
                            + "(reconnect+resume) max=%d ms, events replayed=%d, lost=%d, duplicated=%d",
                    rows, clients.size(), relayFailoverMs, gatewayMax, replayed, lost, duplicated);
            System.out.println(summary);
            System.out.printf("MULTI-NODE FAULT details: %d raw + %d Socket.IO clients; relay elected %d ms, /health STREAMING "
                            + "%d ms after the kill (lease TTL %s, PTTL seen %d ms); gateway failover median %d ms over %d "
                            + "clients; catch-up after the writer stopped %d ms; test %d s; clients not exact: %d%n",
                    RAW_CLIENTS, SIO_CLIENTS, relayElectedMs, relayStreamingMs, LEASE_TTL, leasePttl, gatewayMedian,
                    affected.size(), catchUpMs, ms(System.nanoTime() - testStart) / 1000, wrong.size());
            System.out.println("MULTI-NODE FAULT definitions: relay failover = SIGKILL of the leader relay until the first row"
                    + " inserted after it reached all clients; gateway failover = SIGKILL of a gateway until a client of it,"
                    + " reconnected to the other gateway, had its resubscribe (since = last event id) acked and an event on the"
                    + " new connection (max over its clients); events replayed = events received on resumed connections whose"
                    + " commit returned before the resubscribe was sent; lost/duplicated = committed rows a client never got /"
                    + " extra copies, summed over clients");
            for (Class<?> kind : List.of(RawFaultClient.class, SioFaultClient.class)) {
                List<FaultClient> of = affected.stream().filter(kind::isInstance).toList();
                System.out.printf("MULTI-NODE FAULT gateway failover of %d %s clients, median/max ms after the kill: "
                                + "connection seen closed %s, resubscribe sent %s, resume acked %s, first event after resume %s%n",
                        of.size(), kind.getSimpleName(), medianMax(of, gatewayKillAt, FaultClient::droppedAt),
                        medianMax(of, gatewayKillAt, FaultClient::resubscribeSentAt),
                        medianMax(of, gatewayKillAt, FaultClient::resumeAckAt),
                        medianMax(of, gatewayKillAt, FaultClient::firstEventAfterResumeAt));
            }
            System.out.flush();

            assertThat(errors(clients)).as("client errors").isEmpty();
            assertThat(wrong).as("clients whose seq list is not exactly 1..%d", rows).isEmpty();
            assertThat(lost).isZero();
            assertThat(duplicated).isZero();
            assertThat(Duration.ofMillis(relayFailoverMs)).as("relay failover").isLessThan(FAILOVER_LIMIT);
            assertThat(Duration.ofMillis(gatewayMax)).as("gateway failover").isLessThan(FAILOVER_LIMIT);
            for (FaultClient c : affected) {
                assertThat(c.drops()).as("%s drops", c).isEqualTo(1);
                assertThat(c.resumedOn()).as("%s resumed on the surviving gateway", c).isEqualTo(survivor);
                assertThat(c.recovered()).as("%s resume ack says recovered", c).isTrue();
            }
            assertThat(unaffected).allMatch(c -> c.drops() == 0, "clients of the surviving gateway never dropped");
        } finally {
            writer.close();
            for (FaultClient c : clients) {
                c.close();
            }
            for (ChildProcess p : processes) {
                p.close();
            }
            timers.shutdownNow();
            dropSlot(db, slot);
        }
    }

    private String token(String sub) {
        return issuer.token().subject(sub).role("user").expiresIn(Duration.ofHours(1)).sign();
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static String medianMax(List<FaultClient> clients, long since, ToLongFunction<FaultClient> at) {
        long[] v = clients.stream().mapToLong(c -> ms(at.applyAsLong(c) - since)).sorted().toArray();
        return v.length == 0 ? "-" : v[v.length / 2] + "/" + v[v.length - 1];
    }

    private static List<String> errors(List<FaultClient> clients) {
        List<String> out = new ArrayList<>();
        for (FaultClient c : clients) {
            c.errors.forEach(e -> out.add(c + ": " + e));
        }
        return out;
    }

    private static String describeMismatch(FaultClient c, long[] got, long[] expected, long missing, long dups) {
        int i = 0;
        while (i < got.length && i < expected.length && got[i] == expected[i]) {
            i++;
        }
        long[] around = Arrays.copyOfRange(got, Math.max(0, i - 3), Math.min(got.length, i + 5));
        return c + ": received " + got.length + " of " + expected.length + ", missing " + missing + ", duplicated " + dups
                + ", first difference at index " + i + " (received around it: " + Arrays.toString(around) + "), drops="
                + c.drops() + ", resumed since " + c.resumedSince() + " on gateway " + c.resumedOn();
    }

    /** Arrival time of {@code seq} at the last client that got it, or 0 while some client has not. */
    private static long deliveredToAll(List<FaultClient> clients, long seq) {
        long latest = 0;
        for (FaultClient c : clients) {
            long t = c.receivedAt(seq);
            if (t < 0) {
                return 0;
            }
            latest = Math.max(latest, t);
        }
        return latest;
    }

    private static int countLeaderLines(ChildProcess relay) {
        return (int) relay.lines().stream().filter(l -> l.contains("is now the leader")).count();
    }

    /** The {@code relay} health details ({@code leader}, {@code step}, …) of a relay's {@code /health}. */
    private static JsonNode relayDetails(int port) {
        String body = ChildProcess.httpBody(port, "/health");
        if (body == null) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode parent = Json.mapper().readTree(body).findParent("leader");
            return parent == null ? MissingNode.getInstance() : parent;
        } catch (Exception e) {
            return MissingNode.getInstance();
        }
    }

    private static boolean isStreamingLeader(JsonNode details) {
        return details.path("leader").asBoolean(false) && "STREAMING".equals(details.path("step").asText());
    }

    private static int awaitSingleStreamingLeader(int[] relayPorts, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode[] last = new JsonNode[relayPorts.length];
        while (System.nanoTime() < deadline) {
            int leaders = 0;
            int streaming = -1;
            for (int i = 0; i < relayPorts.length; i++) {
                last[i] = relayDetails(relayPorts[i]);
                if (last[i].path("leader").asBoolean(false)) {
                    leaders++;
                }
                if (isStreamingLeader(last[i])) {
                    streaming = i;
                }
            }
            if (leaders == 1 && streaming >= 0) {
                return streaming;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no single streaming leader within " + timeout + ": " + Arrays.toString(last));
    }

    /** Waits until a subscribe to the table succeeds on the gateway (it has read the table's configuration). */
    private void awaitTableKnown(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            try (WsClient c = WsClient.connect("ws://127.0.0.1:" + port + "/realtime", token("probe-" + port))) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"" + RawFaultClient.CHANNEL + "\",\"ref\":\"probe\"}");
                JsonNode m = c.await(x -> "probe".equals(x.path("ref").asText()), Duration.ofSeconds(5));
                if ("ack".equals(m.path("type").asText())) {
                    return;
                }
                last = m.toString();
            } catch (RuntimeException | AssertionError e) {
                last = e.toString();
            }
            Thread.sleep(300);
        }
        throw new AssertionError("gateway on " + port + " does not know " + TABLE + " within " + timeout + ": " + last);
    }

    private static void awaitUntil(Duration timeout, BooleanSupplier condition, Supplier<String> why)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + why.get());
            }
            Thread.sleep(50);
        }
    }

    /** Drops the test's slot once no one streams from it (the relays are dead; PostgreSQL may take a moment). */
    private static void dropSlot(TestDatabase db, String slot) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try {
                db.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot
                        + "' AND NOT active");
                if (db.queryOne("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'").equals("0")) {
                    return;
                }
            } catch (RuntimeException e) {
                // The slot may have become active/inactive in between; try again.
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        System.out.println("replication slot " + slot + " still present after 15 s");
    }
}
