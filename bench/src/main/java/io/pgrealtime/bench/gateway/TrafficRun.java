package io.pgrealtime.bench.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * One run of a traffic scenario on a fresh gateway node: connect and subscribe every client,
 * measure the node's idle CPU, start the writer, warm up, then measure a window of fixed length;
 * stop the writer, wait for the window's events to arrive, and check every connection's count.
 */
final class TrafficRun {

    /**
     * A scenario.
     *
     * @param filtered false: every connection subscribes to the whole table and gets every change;
     *                 true: connection i subscribes with {@code {"user_id":"u<i>"}} and the change
     *                 with id n has user_id {@code u<n mod connections>}, so it hits exactly one
     */
    record Scenario(String key, String label, int connections, int rate, boolean filtered, boolean sio,
                    boolean millisCommit) {
        Scenario(String key, String label, int connections, int rate, boolean filtered) {
            this(key, label, connections, rate, filtered, false, false);
        }

        LongFunction<String> userId() {
            return filtered ? id -> "u" + (id % connections) : id -> "u" + (id % 1000);
        }

        String subscribe(int i) {
            if (sio) {
                // Socket.IO EVENT with ack id 1; filtered Socket.IO scenarios are not implemented.
                return "421[\"subscribe\",{\"collection\":\"public.gw_bench\"}]";
            }
            return filtered
                    ? "{\"type\":\"subscribe\",\"channel\":\"table:public.gw_bench\",\"filter\":{\"user_id\":\"u" + i + "\"}}"
                    : "{\"type\":\"subscribe\",\"channel\":\"table:public.gw_bench\"}";
        }

        /** Events connection {@code i} should get for ids first..last. */
        long expected(int i, long first, long last) {
            if (last < first) {
                return 0;
            }
            if (!filtered) {
                return last - first + 1;
            }
            // Ids n in [first, last] with n mod connections == i.
            return countCongruent(last, i) - countCongruent(first - 1, i);
        }

        private long countCongruent(long upTo, int i) {
            if (upTo < i) {
                return 0;
            }
            return (upTo - i) / connections + 1;
        }
    }

    /** What one run measured. */
    record Result(Scenario scenario, int run, WsLoadClient.ConnectResult connect, double idleCpuPerSecond,
                  long firstId, long lastId, long expected, long received, long incompleteConnections, int dropped,
                  Map<Integer, Integer> closeStatuses, Map<String, Integer> clientErrors, long outOfOrder,
                  long p50, long p99, long p999, long max, long negative, double windowSeconds, double gatewayCpu,
                  long deliveries, long gatewayCounted, long slowConsumers, CpuAccount.Split cpu, double writerBehindMs,
                  double drainSeconds, int frameBytes, Path jfr, long redisP50, long redisP99,
                  List<String> timeline, List<String> problems, double messagesPerFlush, double flushesPerSecond) {
        long changes() {
            return lastId - firstId + 1;
        }

        long missing() {
            return Math.max(0, expected - received);
        }

        double deliveriesPerSecond() {
            return deliveries / windowSeconds;
        }

        double cpuPer100k() {
            return deliveries == 0 ? Double.NaN : gatewayCpu / deliveries * 100_000;
        }

        /** Gateway CPU per change delivered, in µs (filtered scenarios: one delivery per change). */
        double cpuMicrosPerDelivery() {
            return deliveries == 0 ? Double.NaN : gatewayCpu / deliveries * 1e6;
        }

        /** The same, minus what the node spends with no traffic (timers, pings) over the window. */
        double netCpuMicrosPerDelivery() {
            return deliveries == 0 ? Double.NaN : (gatewayCpu - idleCpuPerSecond * windowSeconds) / deliveries * 1e6;
        }
    }

    private final GatewayBenchmark env;
    private final BenchOptions o;

    TrafficRun(GatewayBenchmark env) {
        this.env = env;
        this.o = env.options();
    }

    Result run(Scenario sc, int run) throws Exception {
        List<String> problems = new ArrayList<>();
        String tag = sc.key() + "-run" + run;
        try (GatewayNode gw = env.startGateway(tag);
             WsLoadClient client = new WsLoadClient(o.loadgenThreads, o.clientPingSeconds, sc.sio(),
                     sc.millisCommit())) {
            String url = sc.sio() ? "ws://127.0.0.1:" + gw.port() + "/socket.io/?EIO=4&transport=websocket"
                    : env.wsUrl(gw);
            WsLoadClient.ConnectResult cr = client.connect(url, sc.connections(),
                    i -> env.token("c" + i), sc::subscribe, o.maxHandshakes, 300);
            if (cr.ready() < sc.connections()) {
                problems.add(cr.ready() + " of " + sc.connections() + " connections subscribed; errors " + cr.errors());
            }
            JsonNode i0 = gw.stats();
            Thread.sleep(o.idleSeconds * 1000L);
            JsonNode i1 = gw.stats();
            double idleCpu = (i1.get("cpuNs").asLong() - i0.get("cpuNs").asLong()) / 1e9
                    / ((i1.get("nanoTime").asLong() - i0.get("nanoTime").asLong()) / 1e9);

            long firstWritten = env.nextId();
            RateWriter writer = new RateWriter(env.writerConnection(), sc.rate(),
                    sc.filtered() ? o.filteredRowsPerTx : o.rowsPerTx, firstWritten, sc.userId(),
                    o.warmupSeconds + o.windowSeconds + 120L).start();
            long firstId;
            long lastId;
            JsonNode s0;
            JsonNode s1;
            CpuAccount.Snapshot c0;
            CpuAccount.Snapshot c1;
            long received0;
            long received1;
            Path jfr = null;
            Timeline timeline = new Timeline(gw, client, writer);
            try {
                timeline.sleep(o.warmupSeconds);
                if (o.jfrDir != null) {
                    jfr = Path.of(o.jfrDir, tag + ".jfr");
                    Jcmd.run(gw.pid(), "JFR.start", "name=bench", "settings=profile", "filename=" + jfr);
                }
                // The window starts at an id the writer will commit about half a second from now, so
                // that its events cannot reach a client before the client counts them (a thread of
                // this JVM can be descheduled for milliseconds on a busy machine); the measurement
                // starts when the writer gets there.
                int rows = sc.filtered() ? o.filteredRowsPerTx : o.rowsPerTx;
                firstId = writer.lastId() + 1 + Math.max(rows, sc.rate() / 2);
                client.startWindow(firstId);
                env.probe().startWindow(firstId);
                if (writer.lastId() >= firstId) {
                    problems.add("the window's first events may have arrived before counting started");
                }
                long waitUntil = System.nanoTime() + 10_000_000_000L;
                while (writer.lastId() < firstId - 1 && System.nanoTime() < waitUntil) {
                    Thread.sleep(1);
                }
                c0 = CpuAccount.take(gw.pid());
                s0 = gw.stats();
                received0 = client.allReceived();
                timeline.sleep(o.windowSeconds);
                s1 = gw.stats();
                received1 = client.allReceived();
                c1 = CpuAccount.take(gw.pid());
                writer.stop();
                lastId = writer.lastId();
                client.endWindow(lastId);
                env.probe().endWindow(lastId);
                env.nextId(lastId + 1);
                if (jfr != null) {
                    Jcmd.run(gw.pid(), "JFR.stop", "name=bench");
                }
            } finally {
                writer.close();
            }
            long expected = 0;
            for (int i = 0; i < client.size(); i++) {
                expected += sc.expected(i, firstId, lastId);
            }
            double drain = drain(client, expected);
            timeline.note("after the drain");
            long[] counts = client.windowCounts();
            long received = 0;
            long incomplete = 0;
            for (int i = 0; i < counts.length; i++) {
                received += Math.min(counts[i], sc.expected(i, firstId, lastId));
                if (counts[i] != sc.expected(i, firstId, lastId)) {
                    incomplete++;
                }
            }
            List<String> detail = new ArrayList<>();
            for (int i = 0; i < counts.length && detail.size() < 10; i++) {
                long exp = sc.expected(i, firstId, lastId);
                if (counts[i] != exp) {
                    detail.add("connection " + i + (client.isOpen(i) ? " (open)" : " (closed)") + ": got " + counts[i]
                            + " of " + exp + (sc.filtered() ? ", ids " + java.util.Arrays.toString(client.firstIds(i))
                            + ", expected ids " + expectedIds(sc, i, firstId, lastId) : ""));
                }
            }
            if (!detail.isEmpty() && incomplete < counts.length) {
                problems.add("incomplete connections (first 10): " + String.join("; ", detail));
            }
            long extra = client.windowReceived() - received;
            if (extra > 0) {
                problems.add(extra + " events beyond the expected counts (duplicates or misrouted)");
            }
            if (client.unparsed() > 0) {
                problems.add(client.unparsed() + " change frames without commit_us or record id");
            }
            LatencyHistogram lat = client.latencies();
            LatencyHistogram toRedis = env.probe().latencies();
            double window = (s1.get("nanoTime").asLong() - s0.get("nanoTime").asLong()) / 1e9;
            double gwCpu = (s1.get("cpuNs").asLong() - s0.get("cpuNs").asLong()) / 1e9;
            // Deliveries are what reached the clients during the window; the gateway's own counter
            // counts events handed to connections (queued), which runs ahead when clients fall behind.
            long deliveries = received1 - received0;
            long counted = s1.get("deliveries").asLong() - s0.get("deliveries").asLong();
            long slow = s1.get("slowConsumers").asLong() - i0.get("slowConsumers").asLong();
            CpuAccount.Split split = CpuAccount.between(c0, c1, gw.pid(), env.ourProcesses());
            return new Result(sc, run, cr, idleCpu, firstId, lastId, expected, received, incomplete, client.dropped(),
                    client.closeStatuses(), client.errors(), client.outOfOrder(), lat.quantile(0.50), lat.quantile(0.99),
                    lat.quantile(0.999), lat.max(), lat.negative(), window, gwCpu, deliveries, counted, slow, split,
                    writer.maxBehindMillis(), drain, client.sampleLength(), jfr, toRedis.quantile(0.5),
                    toRedis.quantile(0.99), timeline.lines(), problems,
                    ratio(s1, s0, "writeMessages", "writeFlushes"), delta(s1, s0, "writeFlushes") / window);
        }
    }

    private static double delta(JsonNode s1, JsonNode s0, String field) {
        return s1.path(field).asLong() - s0.path(field).asLong();
    }

    private static double ratio(JsonNode s1, JsonNode s0, String num, String den) {
        double d = delta(s1, s0, den);
        return d == 0 ? 0 : delta(s1, s0, num) / d;
    }

    /**
     * Sleeps in steps of 2 s, noting each time the gateway's and the client's counters (printed
     * when something went wrong, to show when), and failing early if the gateway process dies.
     */
    private static final class Timeline {
        private final GatewayNode gw;
        private final WsLoadClient client;
        private final RateWriter writer;
        private final long t0 = System.nanoTime();
        private final List<String> lines = new ArrayList<>();

        Timeline(GatewayNode gw, WsLoadClient client, RateWriter writer) {
            this.gw = gw;
            this.client = client;
            this.writer = writer;
        }

        void sleep(int seconds) throws InterruptedException {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(2_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                if (!gw.isAlive()) {
                    throw new IllegalStateException("gateway node died; see " + gw.log());
                }
                note("");
            }
        }

        void note(String what) {
            JsonNode s = gw.stats();
            lines.add(String.format(java.util.Locale.ROOT,
                    "t=%5.1fs written %d, gateway deliveries %d, slow consumers %d, connections %d; client received %d,"
                            + " dropped %d %s",
                    (System.nanoTime() - t0) / 1e9, writer.lastId(), s.path("deliveries").asLong(),
                    s.path("slowConsumers").asLong(), s.path("connections").asLong(), client.allReceived(),
                    client.dropped(), what));
        }

        List<String> lines() {
            return lines;
        }
    }

    /** The ids connection {@code i} of a filtered scenario should get (at most 16). */
    private static String expectedIds(Scenario sc, int i, long first, long last) {
        List<Long> ids = new ArrayList<>();
        long start = first + Math.floorMod(i - first, (long) sc.connections());
        for (long id = start; id <= last && ids.size() < 16; id += sc.connections()) {
            ids.add(id);
        }
        return ids.toString();
    }

    /** Waits for the window's events: all arrived, or no progress for 15 s, or the drain limit. */
    private double drain(WsLoadClient client, long expected) throws InterruptedException {
        long t0 = System.nanoTime();
        long end = t0 + o.drainSeconds * 1_000_000_000L;
        long last = -1;
        long lastProgress = t0;
        while (System.nanoTime() < end) {
            long now = client.windowReceived();
            if (now >= expected) {
                break;
            }
            if (now != last) {
                last = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > 15_000_000_000L) {
                break;
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
