package io.pgrealtime.bench.gateway;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgrealtime.gateway.auth.JwtIssuer;
import io.pgrealtime.relay.Relay;
import io.pgrealtime.relay.config.RelayConfig;
import io.pgrealtime.relay.replication.ReplicationStep;
import io.pgrealtime.testsupport.EmbeddedPostgresServer;
import io.pgrealtime.testsupport.EmbeddedRedisServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Gateway benchmarks (see bench/README.md, section "GatewayBenchmark"): commit-to-client latency,
 * fan-out throughput and CPU per delivery, memory per idle connection, and filtered fan-out at
 * 1,000 vs 10,000 subscribers.
 *
 * <p>This JVM runs an embedded PostgreSQL 17 and Redis, the relay (in-process), the writer and
 * the load generator ({@link WsLoadClient}); every run starts a fresh gateway node in a JVM of its
 * own ({@link GatewayProcess}), so the gateway's CPU time and memory are measured apart from
 * everything else. Every loop is bounded in count and time; everything listens on 127.0.0.1.
 */
public final class GatewayBenchmark {
    static final String SECRET = "gateway-benchmark-secret-of-at-least-32-bytes";
    static final String TABLE = "public.gw_bench";

    private final BenchOptions options;
    private final EmbeddedPostgresServer pg;
    private final EmbeddedRedisServer redis;
    private final String keyPrefix = "gwb:rt:";
    private final JwtIssuer issuer = JwtIssuer.hs256(SECRET);
    private final long tokenExpiry = Instant.now().plusSeconds(6 * 3600).getEpochSecond();
    private Relay relay;
    private RedisClient probeClient;
    private StreamProbe probe;
    private Connection writer;
    private long nextId = 1;
    private int nodes;

    private GatewayBenchmark(BenchOptions options, EmbeddedPostgresServer pg, EmbeddedRedisServer redis) {
        this.options = options;
        this.pg = pg;
        this.redis = redis;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(64);
            return;
        }
        Files.createDirectories(Path.of(o.logDir));
        if (o.jfrDir != null) {
            Files.createDirectories(Path.of(o.jfrDir));
        }
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.temporary();
        EmbeddedRedisServer redis = EmbeddedRedisServer.temporary();
        // On Ctrl-C (or kill), stop the servers too: Redis would outlive this JVM otherwise.
        Thread stopServers = new Thread(() -> {
            redis.stop();
            pg.stop();
        }, "stop-servers");
        Runtime.getRuntime().addShutdownHook(stopServers);
        int status;
        try {
            pg.start();
            redis.start();
            status = new GatewayBenchmark(o, pg, redis).run();
        } finally {
            redis.stop();
            pg.stop();
            deleteTree(pg.dataDir());
        }
        System.exit(status);
    }

    private int run() throws Exception {
        GatewayNode.pinProjectJars(Path.of(options.logDir, "pinned-jars"));
        setUp();
        Report report = new Report(options);
        report.header(machine());
        try {
            relayWarmUp();
            TrafficRun traffic = new TrafficRun(this);
            List<TrafficRun.Result> results = new ArrayList<>();
            List<MemoryRun.Result> memory = new ArrayList<>();
            if (options.benches.contains("latency")) {
                for (int r = 1; r <= options.runs; r++) {
                    for (int[] c : options.latencyCases) {
                        TrafficRun.Scenario sc = new TrafficRun.Scenario("latency-" + c[0] + "x" + c[1], "1. latency: "
                                + c[0] + " subscribers x " + c[1] + " changes/s", c[0], c[1], false);
                        runTraffic(traffic, sc, r, results, report);
                    }
                }
            }
            if (options.benches.contains("fanout")) {
                for (int r = 1; r <= options.runs; r++) {
                    for (int[] c : options.fanoutCases) {
                        TrafficRun.Scenario sc = new TrafficRun.Scenario("fanout-" + c[0] + "x" + c[1], "2. fan-out: "
                                + c[0] + " connections x " + c[1] + " changes/s", c[0], c[1], false);
                        runTraffic(traffic, sc, r, results, report);
                    }
                }
            }
            if (options.benches.contains("memory")) {
                MemoryRun m = new MemoryRun(this);
                for (int r = 1; r <= options.runs; r++) {
                    try {
                        MemoryRun.Result res = m.run(r);
                        report.memoryRun(res);
                        memory.add(res);
                    } catch (Exception e) {
                        report.failure("memory run " + r, e);
                    }
                }
            }
            if (options.benches.contains("sio")) {
                // Raw WebSocket and Socket.IO in the same run, alternating which goes first; both
                // measure latency from the commit time truncated to the ms (Socket.IO's timestamp).
                for (int r = 1; r <= options.runs; r++) {
                    for (int[] c : options.sioCases) {
                        for (int k = 0; k < 2; k++) {
                            boolean sio = (k == 0) == (r % 2 == 0);
                            String what = c[0] + " connections x " + c[1] + " changes/s";
                            TrafficRun.Scenario sc = sio
                                    ? new TrafficRun.Scenario("sio-" + c[0] + "x" + c[1], "5. Socket.IO fan-out: " + what,
                                    c[0], c[1], false, true, true)
                                    : new TrafficRun.Scenario("raw-" + c[0] + "x" + c[1], "5. raw WebSocket fan-out: "
                                    + what, c[0], c[1], false, false, true);
                            runTraffic(traffic, sc, r, results, report);
                        }
                    }
                }
            }
            if (options.benches.contains("filtered")) {
                for (int r = 1; r <= options.runs; r++) {
                    for (int n : options.filteredSubscribers) {
                        TrafficRun.Scenario sc = new TrafficRun.Scenario("filtered-" + n, "4. filtered: " + n
                                + " subscribers, own user_id each, " + options.filteredRate + " changes/s in "
                                + options.filteredRowsPerTx + "-row transactions", n, options.filteredRate, true);
                        runTraffic(traffic, sc, r, results, report);
                    }
                }
            }
            report.summary(results, memory);
            return report.failures() == 0 ? 0 : 1;
        } finally {
            tearDown();
        }
    }

    /**
     * One run of a scenario. A run during which other processes used more than
     * {@code --max-other-cpu} CPUs is printed, discarded and repeated (at most {@code --retries}
     * times; the last attempt is kept whatever it shows, and is marked).
     */
    private void runTraffic(TrafficRun traffic, TrafficRun.Scenario sc, int run, List<TrafficRun.Result> results,
                            Report report) {
        for (int attempt = 0; attempt <= options.retries; attempt++) {
            try {
                TrafficRun.Result r = traffic.run(sc, run);
                double others = r.cpu().others() / r.cpu().seconds();
                boolean last = attempt == options.retries;
                if (others > options.maxOtherCpu && !last) {
                    report.trafficRun(r);
                    System.out.printf(java.util.Locale.ROOT, "    DISCARDED: other processes used %.2f CPUs during the"
                            + " window (limit %.2f); repeating the run%n", others, options.maxOtherCpu);
                    continue;
                }
                if (others > options.maxOtherCpu) {
                    r.problems().add(String.format(java.util.Locale.ROOT, "kept although other processes used %.2f CPUs"
                            + " during the window", others));
                }
                report.trafficRun(r);
                results.add(r);
                return;
            } catch (Exception e) {
                report.failure(sc.key() + " run " + run, e);
                return;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Environment

    private void setUp() throws Exception {
        try (RedisClient c = RedisClient.create(redis.uri()); StatefulRedisConnection<String, String> conn = c.connect()) {
            conn.sync().configSet("appendfsync", options.redisAppendfsync);
            // No AOF rewrite in the middle of a measurement.
            conn.sync().configSet("auto-aof-rewrite-percentage", "0");
        }
        try (Connection admin = DriverManager.getConnection(pg.jdbcUrl(pg.adminDatabase()), props());
             Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE gwbench");
        }
        RelayConfig c = new RelayConfig();
        c.setDatabaseUrl("postgresql://" + pg.user() + ":" + pg.password() + "@" + pg.host() + ":" + pg.port() + "/gwbench");
        c.setRedisUrl(redis.uri());
        c.setKeyPrefix(keyPrefix);
        c.setSlotName("gwbench_slot");
        c.setNodeId("bench-relay");
        relay = new Relay(c, new SimpleMeterRegistry());
        relay.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (relay.step() != ReplicationStep.STREAMING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("relay not streaming after 60 s: " + relay.lastError());
            }
            Thread.sleep(50);
        }
        writer = DriverManager.getConnection(pg.jdbcUrl("gwbench"), props());
        try (Statement st = writer.createStatement()) {
            st.execute("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, user_id text NOT NULL, body text NOT NULL)");
            st.execute("SELECT realtime.enable('" + TABLE + "')");
        }
        probeClient = RedisClient.create(redis.uri());
        probe = new StreamProbe(probeClient, new io.pgrealtime.protocol.RedisKeys(keyPrefix).changes(TABLE));
    }

    /** An untimed minute-fraction of writes, so the relay's and PostgreSQL's paths are warm before run 1. */
    private void relayWarmUp() throws Exception {
        RateWriter w = new RateWriter(writer, 1_000, options.rowsPerTx, nextId, id -> "u" + id, 60).start();
        Thread.sleep(10_000);
        w.stop();
        nextId = w.lastId() + 1;
        w.close();
    }

    private void tearDown() {
        if (probe != null) {
            probe.close();
            probeClient.shutdown();
        }
        try {
            if (writer != null) {
                writer.close();
            }
        } catch (SQLException ignored) {
            // Closing anyway.
        }
        if (relay != null) {
            relay.close();
        }
    }

    private Properties props() {
        Properties p = new Properties();
        p.setProperty("user", pg.user());
        p.setProperty("password", pg.password());
        return p;
    }

    BenchOptions options() {
        return options;
    }

    StreamProbe probe() {
        return probe;
    }

    Connection writerConnection() {
        return writer;
    }

    long nextId() {
        return nextId;
    }

    void nextId(long id) {
        nextId = id;
    }

    String token(String sub) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", sub);
        claims.put("role", "authenticated");
        claims.put("exp", tokenExpiry);
        return issuer.sign(claims);
    }

    String wsUrl(GatewayNode gw) {
        return "ws://127.0.0.1:" + gw.port() + "/realtime";
    }

    /** Waits for a quiet machine, then starts a fresh gateway node and waits until it knows the table. */
    GatewayNode startGateway(String tag) throws Exception {
        waitForQuiet(tag);
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", freePort());
        props.put("micronaut.server.host", "127.0.0.1");
        // What the gateway's application.yml sets (epoll); on this class path the relay's
        // application.yml comes first and hides the gateway's.
        props.put("micronaut.netty.event-loops.default.prefer-native-transport", "true");
        props.put("micronaut.server.netty.worker.prefer-native-transport", "true");
        props.put("micronaut.server.netty.parent.prefer-native-transport", "true");
        props.put("micronaut.server.netty.use-native-transport", "true");
        props.put("gateway.redis-url", redis.uri());
        props.put("gateway.key-prefix", keyPrefix);
        props.put("gateway.jwt-secret", SECRET);
        props.put("gateway.node-id", "bench-gw-" + (++nodes));
        // wal-relay is on this class path too; its bean must not start in the gateway node.
        props.put("relay.enabled", false);
        props.putAll(options.gatewayProps);
        GatewayNode gw = GatewayNode.start(options.gatewayJvm, props, Path.of(options.logDir, tag + ".log"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!gw.knowsTable(TABLE)) {
            if (System.nanoTime() > deadline) {
                gw.close();
                throw new IllegalStateException("gateway node does not know " + TABLE + " after 30 s");
            }
            Thread.sleep(100);
        }
        return gw;
    }

    /**
     * Waits (at most {@code --quiet-wait} seconds) until processes other than this benchmark's use
     * less than {@code --quiet-cpu} CPUs over 2 s, so that another program's burst does not land
     * in a measurement. Says so when it had to wait or gave up.
     */
    private void waitForQuiet(String tag) throws InterruptedException {
        long t0 = System.nanoTime();
        long end = t0 + options.quietWaitSeconds * 1_000_000_000L;
        double load;
        Map<String, Double> who;
        do {
            CpuAccount.Snapshot a = CpuAccount.take(-1);
            Thread.sleep(2_000);
            CpuAccount.Snapshot b = CpuAccount.take(-1);
            CpuAccount.Split s = CpuAccount.between(a, b, -1, ourProcesses());
            load = s.others() / s.seconds();
            who = s.otherByName();
            if (load < options.quietCpu) {
                double waited = (System.nanoTime() - t0) / 1e9;
                if (waited > 3) {
                    System.out.printf(java.util.Locale.ROOT, "  (%s: waited %.0f s for a quiet machine)%n", tag, waited);
                }
                return;
            }
        } while (System.nanoTime() < end);
        System.out.printf(java.util.Locale.ROOT, "  (%s: machine not quiet after %d s: other processes use %.2f CPUs: %s;"
                + " measuring anyway)%n", tag, options.quietWaitSeconds, load, CpuAccount.top(who, 4));
    }

    /**
     * This benchmark's processes besides its own JVM: its children (Redis, gateway nodes) and the
     * PostgreSQL server with its backends (pg_ctl detaches the server, so it is found through
     * the data directory's postmaster.pid).
     */
    java.util.Set<Long> ourProcesses() {
        java.util.Set<Long> pids = new java.util.HashSet<>();
        ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
        try {
            long postmaster = Long.parseLong(Files.readAllLines(pg.dataDir().resolve("postmaster.pid")).get(0).trim());
            pids.add(postmaster);
            ProcessHandle.of(postmaster).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        } catch (IOException | RuntimeException e) {
            // Not started yet, or stopped.
        }
        return pids;
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: it is a temporary directory.
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A description of the machine and the software versions, for the report header. */
    private Map<String, String> machine() throws Exception {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("date", Instant.now().toString());
        m.put("cpus", Runtime.getRuntime().availableProcessors() + " (" + cpuModel() + ")");
        m.put("memory", memTotal());
        m.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("gateway jvm options", String.join(" ", options.gatewayJvm));
        if (!options.gatewayProps.isEmpty()) {
            m.put("gateway properties", options.gatewayProps.toString());
        }
        try (Statement st = writer.createStatement(); ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            m.put("postgresql", rs.getString(1) + " (embedded; fsync=off, synchronous_commit=on)");
        }
        try (RedisClient c = RedisClient.create(redis.uri()); StatefulRedisConnection<String, String> conn = c.connect()) {
            String info = conn.sync().info("server");
            String v = info.lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElse("?").substring(14);
            m.put("redis", v + " (embedded; appendfsync " + options.redisAppendfsync + ")");
        }
        m.put("open files limit", openFilesLimit());
        m.put("gateway under test", gatewayVersion());
        return m;
    }

    /** The gateway jar on the class path (its build time) and the git state of the working tree, if any. */
    private static String gatewayVersion() {
        String jar = java.util.Arrays.stream(GatewayNode.nodeClassPath().split(java.io.File.pathSeparator))
                .filter(e -> e.matches(".*gateway[^/]*\\.jar") || e.endsWith("gateway/target/classes")).findFirst()
                .orElse("?");
        String built = "?";
        try {
            built = Files.getLastModifiedTime(Path.of(jar)).toInstant().toString();
        } catch (IOException | RuntimeException e) {
            // Unknown.
        }
        return jar + " (copied at start; built " + built + "); git " + git("rev-parse", "--short", "HEAD")
                + ", uncommitted changes under gateway/: " + git("status", "--porcelain", "--", "gateway/src/main").lines().count();
    }

    private static String git(String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ").replace("MemTotal: ", "");
        } catch (IOException e) {
            return "?";
        }
    }

    /** {@code soft/hard} of RLIMIT_NOFILE of this process (the gateway node inherits it). */
    static String openFilesLimit() {
        try {
            return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
                    .map(l -> {
                        String[] f = l.substring("Max open files".length()).trim().split("\\s+");
                        return f[0] + " soft / " + f[1] + " hard";
                    }).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
