package io.pgrealtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.RedisKeys;
import io.pgrealtime.protocol.StreamId;
import io.pgrealtime.relay.Relay;
import io.pgrealtime.relay.config.RelayConfig;
import io.pgrealtime.relay.publish.StreamEntry;
import io.pgrealtime.relay.replication.ReplicationStep;
import io.pgrealtime.relay.schema.SchemaBootstrap;
import io.pgrealtime.testsupport.EmbeddedPostgresServer;
import io.pgrealtime.testsupport.EmbeddedRedisServer;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Relay drain throughput against {@code pg_recvlogical} on the same slot contents.
 *
 * <p>Per run and workload: a fresh database in one embedded PostgreSQL 17 cluster and a fresh Redis
 * key prefix; table {@code public.bench} enabled for realtime; two pgoutput slots created at the
 * same WAL position (one for the relay, one for pg_recvlogical); the workload is written with
 * plain JDBC; then, one after the other (the order alternates between runs), pg_recvlogical drains
 * its slot to the LSN recorded after the workload (wall clock of the process) and the relay drains
 * its slot into Redis (from {@link Relay#start()} until XLEN of the table stream equals the change
 * count). The stream is then checked for exactly one entry per written row.
 *
 * <p>Run: {@code mvn -q -DskipTests install && mvn -q -pl bench exec:java
 * -Dexec.mainClass=io.pgrealtime.bench.RelayDrainBenchmark -Dexec.args="--runs 5"}. Options:
 * {@code --runs N} (5), {@code --warmup-scale F} (0.5; 0 skips the warm-up), {@code --workload a|b|all},
 * {@code --pg-recvlogical PATH} (/usr/bin/pg_recvlogical), {@code --redis-appendfsync always|everysec|no}
 * (default: the embedded server's {@code always}), {@code --stream-maxlen N} (10,000,000: the
 * relay's {@code MAXLEN ~} argument is sent as in production but nothing is trimmed),
 * {@code --quiet-wait S} (300: how long to wait for other processes to leave the CPUs before each
 * drain), {@code --max-foreign-cpu C} (0.25) and {@code --retries N} (10: a run during which other
 * programs used more than C CPUs on average is discarded and repeated, up to N times),
 * {@code --relay-max-in-flight N} and {@code --relay-pipeline-batch N} (relay settings to
 * experiment with; default: the relay's defaults).
 */
public final class RelayDrainBenchmark {

    /** A workload: {@code transactions} transactions of {@code rowsPerTx} inserted rows. */
    record Workload(String key, String label, int transactions, int rowsPerTx) {
        long changes() {
            return (long) transactions * rowsPerTx;
        }

        Workload scaled(double f) {
            return new Workload(key, label + " (warm-up, x" + f + ")", Math.max(1, (int) Math.round(transactions * f)),
                    rowsPerTx);
        }
    }

    static final Workload A = new Workload("a", "(a) 2,000 tx x 100 rows", 2_000, 100);
    static final Workload B = new Workload("b", "(b) 50,000 tx x 1 row", 50_000, 1);

    /** One timed drain. */
    record Drain(long changes, double seconds, double machineCpu, double walSenderCpu, Map<String, Double> processCpu) {
        double rate() {
            return changes / seconds;
        }

        /**
         * CPU-seconds the machine spent during the drain on anything but this JVM, Redis,
         * PostgreSQL, pg_recvlogical and the kernel's own threads: other programs running alongside.
         */
        double foreignCpu() {
            double ours = processCpu.entrySet().stream().filter(e -> isOurs(e.getKey()))
                    .mapToDouble(Map.Entry::getValue).sum();
            // The walsender may have exited before the last snapshot; it is counted once either way.
            return Math.max(0, machineCpu - ours);
        }

        private static boolean isOurs(String process) {
            return process.startsWith("relay JVM") || process.equals("redis-server") || process.startsWith("postgres")
                    || process.equals("pg_recvlogical") || process.startsWith("kworker") || process.startsWith("ksoftirqd")
                    || process.startsWith("kdamond") || process.startsWith("rcu_") || process.startsWith("jbd2")
                    || process.startsWith("migration") || process.equals("process_api");
        }
    }

    /** The relay's drain, with its extra figures. */
    record RelayDrain(Drain drain, double streamingAfter, double jvmCpu, double redisCpu,
                      Map<String, Double> threadCpu, List<String> problems) {
        /** Rate counted from the moment the relay reported STREAMING (setup excluded). */
        double streamingRate() {
            return drain.changes() / (drain.seconds() - streamingAfter);
        }
    }

    record Result(Workload workload, int run, boolean relayFirst, double writeSeconds, long walBytes, Drain recv,
                  RelayDrain relay) {
        double ratio() {
            return relay.drain().rate() / recv.rate();
        }
    }

    private final Options options;
    private final EmbeddedPostgresServer pg;
    private final EmbeddedRedisServer redisServer;
    private ClientResources redisResources;
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redisConnection;
    private final long clockTicks;

    private RelayDrainBenchmark(Options options, EmbeddedPostgresServer pg, EmbeddedRedisServer redis) {
        this.options = options;
        this.pg = pg;
        this.redisServer = redis;
        this.clockTicks = clockTicks();
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: RelayDrainBenchmark [--runs N] [--warmup-scale F] [--workload a|b|all]"
                    + " [--pg-recvlogical PATH] [--redis-appendfsync always|everysec|no] [--stream-maxlen N]"
                    + " [--quiet-wait SECONDS] [--max-foreign-cpu CPUS] [--retries N] [--relay-max-in-flight N]"
                    + " [--relay-pipeline-batch N]");
            System.exit(64);
            return;
        }
        if (!Files.isExecutable(Path.of(o.pgRecvlogical))) {
            System.err.println(o.pgRecvlogical + " not found (or not executable). It is the reference this benchmark"
                    + " measures the relay against; on Debian/Ubuntu `apt-get install postgresql-client` provides it"
                    + " (or pass --pg-recvlogical PATH).");
            System.exit(2);
            return;
        }
        Path pgDir = Files.createTempDirectory("pgrt-relaybench-pg-");
        Path redisDir = Files.createTempDirectory("pgrt-relaybench-redis-");
        EmbeddedPostgresServer pg = new EmbeddedPostgresServer(pgDir, 0);
        EmbeddedRedisServer redis = new EmbeddedRedisServer(redisDir, 0);
        int status;
        try {
            pg.start();
            redis.start();
            status = new RelayDrainBenchmark(o, pg, redis).run();
        } finally {
            redis.stop();
            pg.stop();
            deleteTree(pgDir);
            deleteTree(redisDir);
        }
        System.exit(status);
    }

    private int run() throws Exception {
        // The benchmark's own Redis client gets its own thread names, apart from the relay's.
        redisResources = ClientResources.builder()
                .threadFactoryProvider(pool -> new DefaultThreadFactory("bench-redis", true))
                .build();
        redisClient = RedisClient.create(redisResources, redisServer.uri());
        redisClient.setDefaultTimeout(Duration.ofSeconds(60));
        redisConnection = redisClient.connect();
        RedisCommands<String, String> r = redisConnection.sync();
        // No automatic AOF rewrite during a measurement; the benchmark rewrites between measurements.
        r.configSet("auto-aof-rewrite-percentage", "0");
        if (options.appendfsync != null) {
            r.configSet("appendfsync", options.appendfsync);
        }
        printMachine(r);
        ourPids = findOurPids(r);
        createTemplate();
        List<Workload> workloads = options.workloads;
        try {
            if (options.warmupScale > 0) {
                System.out.println();
                System.out.println("warm-up (untimed):");
                // Both orders, twice: per-transaction and per-flush code paths run far fewer times than
                // per-change ones and need the repetitions to be compiled before the timed runs.
                for (int round = 0; round < 2; round++) {
                    for (Workload w : workloads) {
                        printRun(runOne(w.scaled(options.warmupScale), 0, false));
                        printRun(runOne(w.scaled(options.warmupScale), 0, true));
                    }
                }
            }
            System.out.println();
            System.out.println("timed runs:");
            List<Result> results = new ArrayList<>();
            int discarded = 0;
            for (int run = 1; run <= options.runs; run++) {
                // Alternate which drain goes first: odd runs pg_recvlogical first, even runs the relay.
                boolean relayFirst = run % 2 == 0;
                for (Workload w : workloads) {
                    for (int attempt = 1; ; attempt++) {
                        Result res = runOne(w, run, relayFirst);
                        printRun(res);
                        double foreign = Math.max(res.recv().foreignCpu() / res.recv().seconds(),
                                res.relay().drain().foreignCpu() / res.relay().drain().seconds());
                        if (foreign > options.maxForeign && attempt <= options.retries) {
                            System.out.printf(Locale.ROOT, "  discarded: other programs used %.2f CPUs during a drain"
                                    + " (limit %.2f); running it again%n", foreign, options.maxForeign);
                            discarded++;
                            continue;
                        }
                        if (foreign > options.maxForeign) {
                            System.out.printf(Locale.ROOT, "  kept after %d attempts although other programs used %.2f CPUs"
                                    + " during a drain%n", attempt, foreign);
                        }
                        results.add(res);
                        break;
                    }
                }
            }
            if (discarded > 0) {
                System.out.println();
                System.out.println(discarded + " run(s) discarded and repeated because other programs used the CPUs");
            }
            boolean ok = results.stream().allMatch(x -> x.relay().problems().isEmpty());
            printSummary(results);
            return ok ? 0 : 1;
        } finally {
            redisConnection.close();
            redisClient.shutdown();
            redisResources.shutdown();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // One run of one workload

    /**
     * The database every run copies: table {@code public.bench}, the realtime schema (migrated by
     * the relay's own {@link SchemaBootstrap}), the publication, and {@code realtime.enable}. Each
     * run gets a fresh copy ({@code CREATE DATABASE … TEMPLATE}), which is the same state as setting
     * it up again and does not read the migration scripts from the wal-relay jar at every run (a
     * jar that a concurrent {@code mvn install} may be rewriting).
     */
    private void createTemplate() throws SQLException {
        try (Connection admin = connect("postgres"); Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + TEMPLATE + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + TEMPLATE);
        }
        try (Connection c = connect(TEMPLATE)) {
            try (Statement st = c.createStatement()) {
                // autovacuum off for this table only, so that no vacuum competes with a measurement.
                st.execute("CREATE TABLE public.bench (id bigint PRIMARY KEY, a int, b text, c timestamptz, d numeric)"
                        + " WITH (autovacuum_enabled = false)");
            }
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(pg.jdbcUrl(TEMPLATE));
            ds.setUser(pg.user());
            ds.setPassword(pg.password());
            SchemaBootstrap.migrate(ds, RelayConfig.DEFAULT_PUBLICATION);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT realtime.enable('public.bench')");
            }
        }
    }

    private static final String TEMPLATE = "bench_template";
    private int attempts;

    private Result runOne(Workload w, int run, boolean relayFirst) throws Exception {
        String tag = (run == 0 ? "warm" : "r" + run) + "_" + w.key() + (relayFirst ? "_rf" : "_pf") + "_" + (++attempts);
        String db = "bench_" + tag;
        String relaySlot = "relay_" + tag;
        String recvSlot = "recv_" + tag;
        String prefix = "bench:" + tag + ":";
        try (Connection admin = connect("postgres"); Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + db + " TEMPLATE " + TEMPLATE);
        }
        Result result;
        try (Connection c = connect(db)) {
            try (Statement st = c.createStatement()) {
                // Both slots at the same point: nothing is written in between.
                st.execute("SELECT pg_create_logical_replication_slot('" + relaySlot + "', 'pgoutput')");
                st.execute("SELECT pg_create_logical_replication_slot('" + recvSlot + "', 'pgoutput')");
            }
            String startLsn = queryOne(c, "SELECT pg_current_wal_lsn()::text");
            long t0 = System.nanoTime();
            write(c, w);
            double writeSeconds = seconds(t0);
            String endLsn = queryOne(c, "SELECT pg_current_wal_lsn()::text");
            long walBytes = Long.parseLong(queryOne(c, "SELECT pg_wal_lsn_diff('" + endLsn + "', '" + startLsn + "')::bigint"));
            try (Statement st = c.createStatement()) {
                st.execute("CHECKPOINT");
            }
            settle();

            Drain recv;
            RelayDrain relay;
            if (relayFirst) {
                waitForQuiet();
                relay = relayDrain(c, db, relaySlot, prefix, w, endLsn);
                settle();
                waitForQuiet();
                recv = recvDrain(c, db, recvSlot, w, endLsn);
            } else {
                waitForQuiet();
                recv = recvDrain(c, db, recvSlot, w, endLsn);
                settle();
                waitForQuiet();
                relay = relayDrain(c, db, relaySlot, prefix, w, endLsn);
            }
            result = new Result(w, run, relayFirst, writeSeconds, walBytes, recv, relay);
            dropSlots(c, relaySlot, recvSlot);
        }
        try (Connection admin = connect("postgres"); Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE " + db + " WITH (FORCE)");
        }
        resetRedis();
        return result;
    }

    /** Drops the slots once their walsenders are gone (a closed client's walsender may linger a moment). */
    private static void dropSlots(Connection c, String... slots) throws Exception {
        String in = Stream.of(slots).map(x -> "'" + x + "'").collect(Collectors.joining(", "));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ("t".equals(queryOne(c, "SELECT bool_or(active) FROM pg_replication_slots WHERE slot_name IN (" + in + ")"))) {
            if (System.nanoTime() > deadline) {
                queryOne(c, "SELECT bool_and(pg_terminate_backend(active_pid)) FROM pg_replication_slots"
                        + " WHERE slot_name IN (" + in + ") AND active");
                deadline = Long.MAX_VALUE;
            }
            Thread.sleep(20);
        }
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name IN (" + in + ")");
        }
    }

    private static void write(Connection c, Workload w) throws SQLException {
        OffsetDateTime base = OffsetDateTime.of(2025, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        long id = 0;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO public.bench (id, a, b, c, d) VALUES (?, ?, ?, ?, ?)")) {
            if (w.rowsPerTx() == 1) {
                c.setAutoCommit(true);
                for (int t = 0; t < w.transactions(); t++) {
                    bind(ps, ++id, base);
                    ps.executeUpdate();
                }
            } else {
                c.setAutoCommit(false);
                for (int t = 0; t < w.transactions(); t++) {
                    for (int i = 0; i < w.rowsPerTx(); i++) {
                        bind(ps, ++id, base);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    c.commit();
                }
                c.setAutoCommit(true);
            }
        }
    }

    private static void bind(PreparedStatement ps, long id, OffsetDateTime base) throws SQLException {
        ps.setLong(1, id);
        ps.setInt(2, (int) (id % 1000));
        ps.setString(3, "row " + id + " of the relay drain benchmark");
        ps.setObject(4, base.plusNanos(id * 1_000_000L + 123_000L));
        ps.setBigDecimal(5, BigDecimal.valueOf(id * 37 % 10_000_000, 2));
    }

    // ---------------------------------------------------------------------------------------------
    // pg_recvlogical

    private Drain recvDrain(Connection c, String db, String slot, Workload w, String endLsn) throws Exception {
        Path log = Files.createTempFile("pg_recvlogical-", ".log");
        List<String> cmd = List.of(options.pgRecvlogical,
                "-h", pg.host(), "-p", Integer.toString(pg.port()), "-U", pg.user(), "-d", db,
                "-P", "pgoutput", "-o", "proto_version=1", "-o", "publication_names=" + RelayConfig.DEFAULT_PUBLICATION,
                "--endpos", endLsn, "-f", "/dev/null", "--no-loop", "--start", "--slot", slot);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PGPASSWORD", pg.password());
        WalSenderCpu sender = new WalSenderCpu(db, slot);
        ProcSnapshot procs0 = ProcSnapshot.take();
        long cpu0 = machineCpuTicks();
        long t0 = System.nanoTime();
        Process p = pb.start();
        boolean exited = p.waitFor(Math.max(120, w.changes() / 1_000), TimeUnit.SECONDS);
        double secs = seconds(t0);
        long cpu1 = machineCpuTicks();
        ProcSnapshot procs1 = ProcSnapshot.take();
        double senderCpu = sender.stop();
        String out = Files.readString(log).trim();
        Files.deleteIfExists(log);
        if (!exited) {
            p.destroyForcibly();
            throw new IllegalStateException("pg_recvlogical did not reach " + endLsn + " in time: " + out);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("pg_recvlogical exited with " + p.exitValue() + ": " + String.join(" ", cmd)
                    + "\n" + out);
        }
        // It stopped because it passed the end position: its slot is confirmed up to there.
        String confirmed = queryOne(c, "SELECT confirmed_flush_lsn >= '" + endLsn + "'::pg_lsn FROM pg_replication_slots"
                + " WHERE slot_name = '" + slot + "'");
        if (!"t".equals(confirmed)) {
            System.out.println("  note: pg_recvlogical's slot " + slot + " is not confirmed up to " + endLsn);
        }
        Map<String, Double> processes = procs1.since(procs0, clockTicks, ourPids);
        // pg_recvlogical has exited and been reaped: its CPU is in this process's children times.
        processes.put("pg_recvlogical", (procs1.children - procs0.children) / (double) clockTicks);
        if (senderCpu > 0) {
            processes.put("postgres: walsender", senderCpu);
        }
        return new Drain(w.changes(), secs, (cpu1 - cpu0) / (double) clockTicks, senderCpu, processes);
    }

    // ---------------------------------------------------------------------------------------------
    // The relay

    private RelayDrain relayDrain(Connection c, String db, String slot, String prefix, Workload w, String endLsn)
            throws Exception {
        RelayConfig config = new RelayConfig();
        config.setDatabaseUrl("postgresql://" + pg.user() + ":" + pg.password() + "@" + pg.host() + ":" + pg.port() + "/" + db);
        config.setRedisUrl(redisServer.uri());
        config.setKeyPrefix(prefix);
        config.setSlotName(slot);
        config.setPublication(RelayConfig.DEFAULT_PUBLICATION);
        config.setNodeId("bench");
        // The schema was migrated when the table was set up; a restart would find it current too.
        config.setBootstrap(false);
        config.setStreamMaxLen(options.streamMaxLen);
        if (options.maxInFlight > 0) {
            config.setMaxInFlightEvents(options.maxInFlight);
        }
        if (options.pipelineBatch > 0) {
            config.setPipelineBatchEvents(options.pipelineBatch);
        }
        String stream = new RedisKeys(prefix).changes("public.bench");
        RedisCommands<String, String> r = redisConnection.sync();
        long expected = w.changes();
        long timeout = TimeUnit.SECONDS.toNanos(Math.max(120, expected / 500));

        Map<Integer, Long> threadCpu0 = threadTicks(new HashMap<>());
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        WalSenderCpu sender = new WalSenderCpu(db, slot);
        double redisCpu0 = redisCpu(r);
        long jvmCpu0 = os.getProcessCpuTime();
        ProcSnapshot procs0 = ProcSnapshot.take();
        long cpu0 = machineCpuTicks();
        long t0 = System.nanoTime();

        Relay relay = new Relay(config, new SimpleMeterRegistry());
        List<String> problems = new ArrayList<>();
        double streamingAfter = -1;
        double secs;
        long len;
        try {
            relay.start();
            while (true) {
                if (streamingAfter < 0 && relay.step() == ReplicationStep.STREAMING) {
                    streamingAfter = seconds(t0);
                }
                len = r.xlen(stream);
                if (len >= expected) {
                    break;
                }
                if (System.nanoTime() - t0 > timeout) {
                    break;
                }
                Thread.sleep(1);
            }
            secs = seconds(t0);
            long cpu1 = machineCpuTicks();
            ProcSnapshot procs1 = ProcSnapshot.take();
            long jvmCpu1 = os.getProcessCpuTime();
            double redisCpu1 = redisCpu(r);
            double senderCpu = sender.stop();
            Map<String, Double> processes = procs1.since(procs0, clockTicks, ourPids);
            if (senderCpu > 0) {
                processes.put("postgres: walsender", senderCpu);
            }
            Map<String, Double> perThread = threadCpuDelta(threadCpu0);
            if (len < expected) {
                problems.add("timed out after " + fmt(secs) + " s with XLEN " + len + " of " + expected
                        + " (relay step " + relay.step() + ")");
            }
            // Exactly once: let anything still in flight land, then count and check every entry.
            Thread.sleep(300);
            problems.addAll(verify(r, stream, expected, endLsn));
            if (relay.metrics().duplicatesSkipped() > 0) {
                problems.add(relay.metrics().duplicatesSkipped() + " duplicate XADDs refused by Redis");
            }
            if (streamingAfter < 0) {
                streamingAfter = secs;
            }
            return new RelayDrain(new Drain(expected, secs, (cpu1 - cpu0) / (double) clockTicks, senderCpu, processes),
                    streamingAfter, (jvmCpu1 - jvmCpu0) / 1e9, redisCpu1 - redisCpu0, perThread, problems);
        } finally {
            relay.close();
        }
    }

    /** Checks that the stream holds exactly one insert per written row (ids 1..expected), in WAL order. */
    private static List<String> verify(RedisCommands<String, String> r, String stream, long expected, String endLsn) {
        List<String> problems = new ArrayList<>();
        long len = r.xlen(stream);
        if (len != expected) {
            problems.add("XLEN " + len + ", expected exactly " + expected
                    + (len > expected ? " (duplicates?)" : " (lost changes?)"));
        }
        long end = lsnToLong(endLsn);
        BitSet seen = new BitSet((int) expected + 1);
        long dup = 0;
        long outOfRange = 0;
        long badId = 0;
        String from = "-";
        StreamId previous = null;
        while (true) {
            List<StreamMessage<String, String>> page = r.xrange(stream, Range.create(from, "+"), Limit.from(10_000));
            int start = from.equals("-") ? 0 : 1;
            if (page.size() <= start) {
                break;
            }
            for (int i = start; i < page.size(); i++) {
                StreamMessage<String, String> m = page.get(i);
                StreamId sid = StreamId.parse(m.getId());
                if ((previous != null && sid.compareTo(previous) <= 0) || Long.compareUnsigned(sid.lsn(), end) > 0) {
                    badId++;
                }
                previous = sid;
                long id;
                try {
                    JsonNode ev = Json.mapper().readTree(m.getBody().get(StreamEntry.FIELD));
                    id = ev.path("record").path("id").asLong(-1);
                } catch (IOException e) {
                    id = -1;
                }
                if (id < 1 || id > expected) {
                    outOfRange++;
                } else if (seen.get((int) id)) {
                    dup++;
                } else {
                    seen.set((int) id);
                }
            }
            from = page.get(page.size() - 1).getId();
        }
        long missing = expected - seen.cardinality();
        if (missing != 0 || dup != 0 || outOfRange != 0) {
            problems.add("rows: " + missing + " missing, " + dup + " duplicated, " + outOfRange + " unexpected");
        }
        if (badId != 0) {
            problems.add(badId + " stream IDs out of order or beyond the end LSN");
        }
        return problems;
    }

    // ---------------------------------------------------------------------------------------------
    // CPU accounting

    /** Follows the CPU time of the walsender serving a slot, read from /proc while it runs. */
    private final class WalSenderCpu {
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long lastTicks;

        WalSenderCpu(String db, String slot) {
            thread = new Thread(() -> follow(db, slot), "walsender-cpu");
            thread.setDaemon(true);
            thread.start();
        }

        private void follow(String db, String slot) {
            try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement(
                    "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, slot);
                int pid = 0;
                while (running && pid == 0) {
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            pid = rs.getInt(1);
                        }
                    }
                    if (pid == 0) {
                        Thread.sleep(5);
                    }
                }
                Path stat = Path.of("/proc", Integer.toString(pid), "stat");
                while (running) {
                    try {
                        String[] f = afterComm(Files.readString(stat));
                        lastTicks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    } catch (IOException gone) {
                        return;
                    }
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                // CPU of the walsender is informative only.
            }
        }

        double stop() throws InterruptedException {
            running = false;
            thread.join(2_000);
            return lastTicks / (double) clockTicks;
        }
    }

    /** CPU ticks of every process on the machine, and of this process's reaped children. */
    static final class ProcSnapshot {
        final Map<Integer, Long> ticks = new HashMap<>();
        final Map<Integer, String> names = new HashMap<>();
        final Map<Integer, Integer> parents = new HashMap<>();
        long children;

        static ProcSnapshot take() {
            ProcSnapshot s = new ProcSnapshot();
            long self = ProcessHandle.current().pid();
            try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
                for (Path d : (Iterable<Path>) dirs::iterator) {
                    String n = d.getFileName().toString();
                    if (!n.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        String stat = Files.readString(d.resolve("stat"));
                        String[] f = afterComm(stat);
                        int pid = Integer.parseInt(n);
                        s.ticks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                        s.names.put(pid, stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                        s.parents.put(pid, Integer.parseInt(f[1]));
                        if (pid == self) {
                            s.children = Long.parseLong(f[13]) + Long.parseLong(f[14]);
                        }
                    } catch (IOException | RuntimeException gone) {
                        // The process ended meanwhile.
                    }
                }
            } catch (IOException e) {
                // No /proc: no per-process figures.
            }
            return s;
        }

        /**
         * CPU seconds per process used between {@code before} and this snapshot. This JVM is
         * "relay JVM"; the benchmark's own PostgreSQL (children of its postmaster) and Redis keep
         * their names, other programs' PostgreSQL and Redis servers are labelled "other …".
         */
        Map<String, Double> since(ProcSnapshot before, long hz, OurPids ours) {
            long self = ProcessHandle.current().pid();
            Map<String, Double> out = new HashMap<>();
            ticks.forEach((pid, t) -> {
                long d = t - before.ticks.getOrDefault(pid, 0L);
                if (d <= 0) {
                    return;
                }
                String comm = names.get(pid);
                String name;
                if (pid == self) {
                    name = "relay JVM (this process)";
                } else if (pid == ours.redis()) {
                    name = "redis-server";
                } else if (pid == ours.postmaster() || parents.getOrDefault(pid, 0) == ours.postmaster()) {
                    name = label(pid, comm);
                } else if ("postgres".equals(comm) || comm.startsWith("redis-server")) {
                    name = "other " + comm;
                } else {
                    name = comm.replaceAll("/\\d+$", "");
                }
                out.merge(name, d / (double) hz, Double::sum);
            });
            return out;
        }

        private static String label(int pid, String comm) {
            try {
                String cmd = Files.readString(Path.of("/proc", Integer.toString(pid), "cmdline")).replace('\0', ' ').trim();
                String[] words = cmd.split("\\s+");
                return words.length >= 2 && words[0].equals("postgres:") ? "postgres: " + words[1] : "postgres";
            } catch (IOException e) {
                return "postgres";
            }
        }
    }

    /** The benchmark's own PostgreSQL postmaster and Redis server. */
    record OurPids(int postmaster, int redis) {
    }

    private OurPids ourPids = new OurPids(-1, -1);

    private OurPids findOurPids(RedisCommands<String, String> r) throws Exception {
        int redisPid = Integer.parseInt(parseInfo(r.info("server")).getOrDefault("process_id", "-1"));
        int postmaster = -1;
        try (Connection c = connect("postgres")) {
            int backend = Integer.parseInt(queryOne(c, "SELECT pg_backend_pid()"));
            postmaster = Integer.parseInt(afterComm(Files.readString(Path.of("/proc", Integer.toString(backend), "stat")))[1]);
        } catch (IOException e) {
            // No /proc: every postgres process counts as ours.
        }
        return new OurPids(postmaster, redisPid);
    }

    /** Fields of /proc/PID/stat after the command name (field 3, "state", is index 0). */
    private static String[] afterComm(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    }

    /** Busy CPU ticks of the whole machine (all CPUs), from /proc/stat. */
    private static long machineCpuTicks() throws IOException {
        String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
        String[] f = line.trim().split("\\s+");
        long busy = 0;
        // user nice system idle iowait irq softirq steal
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
            busy += Long.parseLong(f[i]);
        }
        return busy;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (Exception e) {
            return 100;
        }
    }

    private static double redisCpu(RedisCommands<String, String> r) {
        Map<String, String> info = parseInfo(r.info("cpu"));
        return Double.parseDouble(info.getOrDefault("used_cpu_user", "0"))
                + Double.parseDouble(info.getOrDefault("used_cpu_sys", "0"));
    }

    /** CPU ticks of every thread of this JVM (Java and VM threads alike), by thread id, from /proc/self/task. */
    private static Map<Integer, Long> threadTicks(Map<Integer, String> names) {
        Map<Integer, Long> m = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = afterComm(stat);
                    int tid = Integer.parseInt(t.getFileName().toString());
                    m.put(tid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                    names.put(tid, stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                } catch (IOException | RuntimeException gone) {
                    // The thread ended meanwhile.
                }
            }
        } catch (IOException e) {
            // No /proc: no per-thread figures.
        }
        return m;
    }

    /**
     * CPU seconds per thread group since {@code before}. Names are the kernel's (15 characters);
     * digits are folded so that pools show as one line. Threads that ended meanwhile are missed.
     */
    private Map<String, Double> threadCpuDelta(Map<Integer, Long> before) {
        Map<Integer, String> names = new HashMap<>();
        Map<String, Double> out = new HashMap<>();
        threadTicks(names).forEach((tid, ticks) -> {
            long d = ticks - before.getOrDefault(tid, 0L);
            if (d > 0) {
                String n = names.get(tid);
                String group = n.startsWith("relay-") ? "relay replication thread"
                        : n.startsWith("lettuce-") ? n.replaceAll("-[\\d-]*$", "").replaceAll("nioEven.*", "nioEventLoop")
                        : n.replaceAll("\\d+", "#");
                out.merge(group, d / (double) clockTicks, Double::sum);
            }
        });
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // Output

    private void printMachine(RedisCommands<String, String> r) throws Exception {
        String pgVersion;
        try (Connection c = connect("postgres")) {
            pgVersion = queryOne(c, "SHOW server_version");
        }
        Process p = new ProcessBuilder(options.pgRecvlogical, "--version").redirectErrorStream(true).start();
        String recvVersion = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        Map<String, String> server = parseInfo(r.info("server"));
        Map<String, String> persistence = parseInfo(r.info("persistence"));
        String appendfsync = r.configGet("appendfsync").getOrDefault("appendfsync", "?");
        System.out.println("relay drain vs pg_recvlogical, " + LocalDate.now());
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), "
                + memTotal() + " memory, Linux " + System.getProperty("os.version"));
        System.out.println("java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        System.out.println("postgresql: " + pgVersion + " (embedded, " + pg.describe() + ", fsync=off,"
                + " synchronous_commit=on); " + recvVersion);
        System.out.println("redis: " + server.get("redis_version") + " (embedded, appendonly="
                + ("1".equals(persistence.get("aof_enabled")) ? "yes" : "no") + ", appendfsync=" + appendfsync + ")");
        RelayConfig defaults = new RelayConfig();
        System.out.println("relay: stream MAXLEN ~ " + options.streamMaxLen + ", pipeline batch "
                + (options.pipelineBatch > 0 ? options.pipelineBatch : defaults.getPipelineBatchEvents() + " (default)")
                + ", max in flight "
                + (options.maxInFlight > 0 ? options.maxInFlight : defaults.getMaxInFlightEvents() + " (default)"));
    }

    private static void printRun(Result x) {
        RelayDrain rd = x.relay();
        String threads = rd.threadCpu().entrySet().stream()
                .filter(e -> e.getValue() >= 0.01)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(8)
                .map(e -> e.getKey() + " " + fmt(e.getValue()))
                .collect(Collectors.joining(", "));
        System.out.printf(Locale.ROOT, "%-30s run %s %-14s  pg_recvlogical %8.0f/s (%6.2f s, walsender %5.2f cpu-s,"
                        + " machine %5.2f cpu-s) | relay %8.0f/s (%6.2f s, streaming after %4.2f s; %8.0f/s from then;"
                        + " relay JVM %5.2f cpu-s, walsender %5.2f, redis %5.2f, machine %5.2f) | ratio %.2f%n",
                x.workload().label(), x.run() == 0 ? "-" : Integer.toString(x.run()),
                x.relayFirst() ? "relay first" : "recvlogical 1st",
                x.recv().rate(), x.recv().seconds(), x.recv().walSenderCpu(), x.recv().machineCpu(),
                rd.drain().rate(), rd.drain().seconds(), rd.streamingAfter(), rd.streamingRate(), rd.jvmCpu(),
                rd.drain().walSenderCpu(), rd.redisCpu(), rd.drain().machineCpu(), x.ratio());
        System.out.printf(Locale.ROOT, "%30s   written in %.1f s, %.1f MB of WAL%n", "", x.writeSeconds(), x.walBytes() / 1e6);
        System.out.printf(Locale.ROOT, "%30s   cpu-s by relay JVM thread:              %s%n", "", threads);
        System.out.printf(Locale.ROOT, "%30s   cpu-s by process, pg_recvlogical drain: %s; other programs %.2f%n", "",
                top(x.recv().processCpu()), x.recv().foreignCpu());
        System.out.printf(Locale.ROOT, "%30s   cpu-s by process, relay drain:          %s; other programs %.2f%n", "",
                top(rd.drain().processCpu()), rd.drain().foreignCpu());
        for (String p : rd.problems()) {
            System.out.println("  PROBLEM: " + p);
        }
    }

    private static String top(Map<String, Double> cpu) {
        return cpu.entrySet().stream().filter(e -> e.getValue() >= 0.01)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(6)
                .map(e -> e.getKey() + " " + fmt(e.getValue())).collect(Collectors.joining(", "));
    }

    private void printSummary(List<Result> results) {
        System.out.println();
        System.out.println("summary over " + options.runs + " run(s): median [min - max]");
        StringBuilder md = new StringBuilder();
        md.append("| workload | changes | pg_recvlogical changes/s | relay changes/s | relay / pg_recvlogical"
                + " | relay changes/s after STREAMING | relay JVM CPU-s | machine CPU-s, pg_recvlogical / relay |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Workload w : options.workloads) {
            List<Result> rs = results.stream().filter(x -> x.workload().equals(w)).toList();
            if (rs.isEmpty()) {
                continue;
            }
            Stats recv = Stats.of(rs, x -> x.recv().rate());
            Stats relay = Stats.of(rs, x -> x.relay().drain().rate());
            Stats ratio = Stats.of(rs, Result::ratio);
            Stats streaming = Stats.of(rs, x -> x.relay().streamingRate());
            Stats jvm = Stats.of(rs, x -> x.relay().jvmCpu());
            Stats recvCpu = Stats.of(rs, x -> x.recv().machineCpu());
            Stats relayCpu = Stats.of(rs, x -> x.relay().drain().machineCpu());
            long problems = rs.stream().filter(x -> !x.relay().problems().isEmpty()).count();
            System.out.printf(Locale.ROOT, "%-26s pg_recvlogical %s/s | relay %s/s | ratio %s | relay after STREAMING %s/s"
                            + " | relay JVM %s cpu-s | machine cpu-s %s vs %s | %s%n",
                    w.label(), recv.format("%.0f"), relay.format("%.0f"), ratio.format("%.2f"), streaming.format("%.0f"),
                    jvm.format("%.2f"), recvCpu.format("%.2f"), relayCpu.format("%.2f"),
                    problems == 0 ? "every run: exactly " + w.changes() + " entries, none lost or duplicated"
                            : problems + " run(s) with problems (see above)");
            md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s / %s |%n", w.label(), w.changes(),
                    recv.format("%,.0f"), relay.format("%,.0f"), ratio.format("%.2f"), streaming.format("%,.0f"),
                    jvm.format("%.2f"), fmt(recvCpu.median()), fmt(relayCpu.median())));
        }
        System.out.println();
        System.out.println("markdown (median [min - max]):");
        System.out.println();
        System.out.print(md);
    }

    record Stats(double median, double min, double max) {
        static Stats of(List<Result> rs, ToDoubleFunction<Result> f) {
            double[] v = rs.stream().mapToDouble(f).sorted().toArray();
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return new Stats(median, v[0], v[v.length - 1]);
        }

        String format(String f) {
            return String.format(Locale.ROOT, f + " [" + f + " - " + f + "]", median, min, max);
        }

        @Override
        public String toString() {
            return format("%.2f");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private void resetRedis() throws InterruptedException {
        RedisCommands<String, String> r = redisConnection.sync();
        r.flushall();
        // Shrink the append-only file between measurements, never during one.
        r.bgrewriteaof();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Thread.sleep(50);
        while (System.nanoTime() < deadline) {
            Map<String, String> p = parseInfo(r.info("persistence"));
            if ("0".equals(p.get("aof_rewrite_in_progress")) && "0".equals(p.get("aof_rewrite_scheduled"))) {
                return;
            }
            Thread.sleep(20);
        }
    }

    private static Map<String, String> parseInfo(String info) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : info.split("\r?\n")) {
            int i = line.indexOf(':');
            if (i > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, i), line.substring(i + 1).trim());
            }
        }
        return m;
    }

    private Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(db), pg.user(), pg.password());
    }

    private static String queryOne(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * Waits (up to {@code --quiet-wait} seconds) until the machine is idle apart from us: the
     * benchmark shares the CPUs with whatever else runs, and a build running alongside would
     * distort both drains. Each drain also reports the CPU that other processes used meanwhile.
     */
    private void waitForQuiet() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.quietWait);
        boolean said = false;
        while (true) {
            long c0 = machineCpuTicks();
            long j0 = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(500);
            double wall = seconds(t0);
            double busy = (machineCpuTicks() - c0) / (double) clockTicks
                    - (((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime() - j0) / 1e9;
            double cpus = busy / wall;
            if (cpus < 0.2) {
                return;
            }
            if (System.nanoTime() > deadline) {
                System.out.printf(Locale.ROOT, "  note: machine still busy (%.2f CPUs used by other processes);"
                        + " measuring anyway%n", cpus);
                return;
            }
            if (!said) {
                System.out.printf(Locale.ROOT, "  waiting for a quiet machine (%.2f CPUs used by other processes)%n", cpus);
                said = true;
            }
        }
    }

    /** Collects garbage and lets the JIT finish what it has queued (e.g. for the previous check), so no drain pays for it. */
    private static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(300);
        var jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            Thread.sleep(500);
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long before = jit.getTotalCompilationTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(300);
            long now = jit.getTotalCompilationTime();
            if (now == before) {
                return;
            }
            before = now;
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    static long lsnToLong(String lsn) {
        int slash = lsn.indexOf('/');
        return (Long.parseLong(lsn.substring(0, slash), 16) << 32) | Long.parseLong(lsn.substring(slash + 1), 16);
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String memTotal() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal:")).findFirst()
                    .map(l -> String.format(Locale.ROOT, "%.1f GiB",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory left behind.
        }
    }

    /** Command-line options. */
    record Options(int runs, double warmupScale, List<Workload> workloads, String pgRecvlogical, String appendfsync,
                   long streamMaxLen, int quietWait, int maxInFlight, int pipelineBatch, double maxForeign, int retries) {
        static Options parse(String[] args) {
            int runs = 5;
            double warmup = 0.5;
            List<Workload> workloads = List.of(A, B);
            String recv = "/usr/bin/pg_recvlogical";
            String fsync = null;
            long maxLen = 10_000_000;
            int quietWait = 300;
            int maxInFlight = 0;
            double maxForeign = 0.25;
            int retries = 10;
            int pipelineBatch = 0;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--runs" -> runs = Integer.parseInt(v);
                    case "--warmup-scale" -> warmup = Double.parseDouble(v);
                    case "--workload" -> workloads = switch (v) {
                        case "a" -> List.of(A);
                        case "b" -> List.of(B);
                        case "all" -> List.of(A, B);
                        default -> throw new IllegalArgumentException("--workload a|b|all, not " + v);
                    };
                    case "--pg-recvlogical" -> recv = v;
                    case "--redis-appendfsync" -> fsync = v;
                    case "--stream-maxlen" -> maxLen = Long.parseLong(v);
                    case "--quiet-wait" -> quietWait = Integer.parseInt(v);
                    case "--relay-max-in-flight" -> maxInFlight = Integer.parseInt(v);
                    case "--max-foreign-cpu" -> maxForeign = Double.parseDouble(v);
                    case "--retries" -> retries = Integer.parseInt(v);
                    case "--relay-pipeline-batch" -> pipelineBatch = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (runs < 1) {
                throw new IllegalArgumentException("--runs must be at least 1");
            }
            return new Options(runs, warmup, workloads, recv, fsync, maxLen, quietWait, maxInFlight, pipelineBatch, maxForeign,
                    retries);
        }
    }
}
