package io.pgrealtime.bench.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Prints runs as they finish, then per-scenario medians with min and max, then Markdown tables. */
final class Report {
    /** Reference figures of the issue (Node.js pg-logical-replication + socket.io on this machine). */
    static final double REF_CPU_LOW = 0.9;
    static final double REF_CPU_HIGH = 1.6;

    private final BenchOptions o;
    private int failures;
    private Map<String, String> machine = Map.of();

    Report(BenchOptions o) {
        this.o = o;
    }

    int failures() {
        return failures;
    }

    void header(Map<String, String> machine) {
        this.machine = machine;
        System.out.println("GatewayBenchmark");
        machine.forEach((k, v) -> System.out.printf("  %-20s %s%n", k + ":", v));
        System.out.printf(Locale.ROOT, "  %-20s runs %d, warm-up %d s, window %d s, %d row(s) per transaction,"
                        + " load generator %d threads, client ping every %d s%n", "settings:", o.runs, o.warmupSeconds,
                o.windowSeconds, o.rowsPerTx, o.loadgenThreads, o.clientPingSeconds);
        System.out.println();
    }

    void failure(String what, Exception e) {
        failures++;
        System.out.println("FAILED " + what + ": " + e);
        e.printStackTrace(System.out);
    }

    void trafficRun(TrafficRun.Result r) {
        TrafficRun.Scenario sc = r.scenario();
        CpuAccount.Split c = r.cpu();
        System.out.printf(Locale.ROOT, "%s  run %d: %d/%d connections subscribed in %.1f s; window %.1f s, ids %d..%d"
                        + " (%d changes, %.0f/s; writer at most %.1f ms behind schedule)%n",
                sc.label(), r.run(), r.connect().ready(), sc.connections(), r.connect().seconds(), r.windowSeconds(),
                r.firstId(), r.lastId(), r.changes(), r.changes() / r.windowSeconds(), r.writerBehindMs());
        System.out.printf(Locale.ROOT, "    commit to readable in Redis (relay side): p50 %s  p99 %s%n", ms(r.redisP50()), ms(r.redisP99()));
        System.out.printf(Locale.ROOT, "    latency p50 %s  p99 %s  p99.9 %s  max %s%s | received %d of %d (%s),"
                        + " %d connections incomplete, %d dropped %s, %d slow consumers, %d out of order, drain %.1f s%n",
                ms(r.p50()), ms(r.p99()), ms(r.p999()), ms(r.max()),
                r.negative() > 0 ? " (" + r.negative() + " negative)" : "", r.received(), r.expected(),
                r.missing() == 0 ? "all" : r.missing() + " missing", r.incompleteConnections(), r.dropped(),
                r.closeStatuses().isEmpty() ? "" : "(close codes " + r.closeStatuses() + ")", r.slowConsumers(),
                r.outOfOrder(), r.drainSeconds());
        System.out.printf(Locale.ROOT, "    gateway: %,.0f deliveries/s received (gateway counted %,.0f/s), %.2f cpu-s in the"
                        + " window (%.2f CPUs), %.3f cpu-s per 100k deliveries, %.1f µs per delivery (%.1f net of idle %.3f CPUs)"
                        + " | frame %d bytes%n",
                r.deliveriesPerSecond(), r.gatewayCounted() / r.windowSeconds(), r.gatewayCpu(),
                r.gatewayCpu() / r.windowSeconds(), r.cpuPer100k(),
                r.cpuMicrosPerDelivery(), r.netCpuMicrosPerDelivery(), r.idleCpuPerSecond(), r.frameBytes());
        System.out.printf(Locale.ROOT, "    gateway writes: %,.0f connection flushes/s, %.2f messages per flush%n",
                r.flushesPerSecond(), r.messagesPerFlush());
        System.out.printf(Locale.ROOT, "    cpu-s by process: gateway %.2f, benchmark JVM (load generator, relay, writer)"
                        + " %.2f, postgres %.2f, redis %.2f, other processes %.2f%s; machine %.2f of %.2f%n",
                c.gateway(), c.benchJvm(), c.postgres(), c.redis(), c.others(),
                c.otherByName().isEmpty() ? "" : " (" + CpuAccount.top(c.otherByName(), 4) + ")", c.machine(),
                c.seconds() * Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "    gateway cpu-s user %.2f, system (kernel, on loopback including the receiving"
                + " side of TCP) %.2f; by thread: %s%n", c.gatewayUser(), c.gatewaySystem(), CpuAccount.top(c.gatewayThreads(), 8));
        if (!r.clientErrors().isEmpty()) {
            System.out.println("    client errors: " + r.clientErrors());
        }
        if (r.jfr() != null) {
            System.out.println("    JFR recording of the window: " + r.jfr());
        }
        for (String p : r.problems()) {
            System.out.println("    PROBLEM: " + p);
        }
        if (r.missing() > 0 || r.dropped() > 0 || r.slowConsumers() > 0) {
            System.out.println("    timeline (from the writer's start; the window starts after the warm-up):");
            r.timeline().forEach(l -> System.out.println("      " + l));
        }
    }

    void memoryRun(MemoryRun.Result r) {
        MemoryRun.Point b = r.baseline();
        System.out.printf(Locale.ROOT, "3. memory  run %d: baseline heap %s, netty direct %s, jdk direct %s, rss %s, %d fds;"
                        + " allocator %s%n", r.run(), mb(b.heapUsed()), mb(b.nettyDirect()), mb(b.jdkDirect()),
                mb(b.rssKb() * 1024), b.fds(), r.allocator());
        for (MemoryRun.Point p : r.points()) {
            MemoryRun.PerConnection pc = r.per(p);
            System.out.printf(Locale.ROOT, "    %,d connections (node counts %,d, %d fds): heap %s, netty direct %s"
                            + " (allocator direct %s, heap %s), rss %s -> per connection: heap %.0f B + direct %.0f B"
                            + " = %.0f B (%.2f KB); rss %.0f B%n",
                    p.connections(), p.gatewayConnections(), p.fds(), mb(p.heapUsed()), mb(p.nettyDirect()),
                    mb(p.allocatorDirect()), mb(p.allocatorHeap()), mb(p.rssKb() * 1024), pc.heap(), pc.direct(),
                    pc.total(), pc.total() / 1024, pc.rss());
        }
        if (r.dropped() > 0 || !r.errors().isEmpty()) {
            System.out.println("    dropped " + r.dropped() + ", errors " + r.errors());
        }
        for (String p : r.problems()) {
            System.out.println("    PROBLEM: " + p);
        }
    }

    // ---------------------------------------------------------------------------------------------

    void summary(List<TrafficRun.Result> results, List<MemoryRun.Result> memory) {
        System.out.println();
        System.out.println("SUMMARY (median [min - max] over runs)");
        Map<String, List<TrafficRun.Result>> byKey = new LinkedHashMap<>();
        for (TrafficRun.Result r : results) {
            byKey.computeIfAbsent(r.scenario().key(), k -> new ArrayList<>()).add(r);
        }
        List<String> md = new ArrayList<>();
        byKey.forEach((key, rs) -> {
            String label = rs.get(0).scenario().label();
            System.out.println(label + " (" + rs.size() + " runs)");
            line("latency p50 ms", rs, r -> msOrNaN(r.p50()), "%.2f");
            line("latency p99 ms", rs, r -> msOrNaN(r.p99()), "%.2f");
            line("latency p99.9 ms", rs, r -> msOrNaN(r.p999()), "%.2f");
            line("commit->Redis p50 ms", rs, r -> msOrNaN(r.redisP50()), "%.2f");
            line("commit->Redis p99 ms", rs, r -> msOrNaN(r.redisP99()), "%.2f");
            line("deliveries/s", rs, TrafficRun.Result::deliveriesPerSecond, "%,.0f");
            line("gateway cpu-s per 100k", rs, TrafficRun.Result::cpuPer100k, "%.3f");
            line("gateway µs per delivery", rs, TrafficRun.Result::cpuMicrosPerDelivery, "%.2f");
            line("  net of idle", rs, TrafficRun.Result::netCpuMicrosPerDelivery, "%.2f");
            line("gateway CPUs busy", rs, r -> r.gatewayCpu() / r.windowSeconds(), "%.2f");
            line("missing deliveries", rs, r -> r.missing(), "%.0f");
            line("dropped connections", rs, r -> r.dropped(), "%.0f");
            line("other processes CPUs", rs, r -> r.cpu().others() / r.cpu().seconds(), "%.2f");
            md.add("| " + label + " | p50 " + stat(rs, r -> msOrNaN(r.p50()), "%.1f") + " ms; p99 "
                    + stat(rs, r -> msOrNaN(r.p99()), "%.1f") + " ms | " + stat(rs, TrafficRun.Result::deliveriesPerSecond, "%,.0f")
                    + " | " + stat(rs, TrafficRun.Result::cpuPer100k, "%.3f") + " | "
                    + stat(rs, TrafficRun.Result::cpuMicrosPerDelivery, "%.1f") + " | "
                    + rs.stream().mapToLong(TrafficRun.Result::missing).sum() + " of "
                    + rs.stream().mapToLong(TrafficRun.Result::expected).sum() + " | "
                    + rs.stream().mapToInt(TrafficRun.Result::dropped).sum() + " | " + ratio(rs) + " |");
        });
        filteredRatio(byKey);
        sioRatio(byKey);
        if (!memory.isEmpty()) {
            System.out.println("3. memory per idle authenticated connection (" + memory.size() + " runs)");
            int points = memory.stream().mapToInt(m -> m.points().size()).min().orElse(0);
            for (int i = 0; i < points; i++) {
                int idx = i;
                List<MemoryRun.PerConnection> pcs = memory.stream().map(m -> m.per(m.points().get(idx))).toList();
                String n = String.format(Locale.ROOT, "%,d", memory.get(0).points().get(idx).connections());
                System.out.println("  at " + n + " connections: heap " + stat(pcs, MemoryRun.PerConnection::heap, "%.0f")
                        + " B, direct " + stat(pcs, MemoryRun.PerConnection::direct, "%.0f") + " B, total "
                        + stat(pcs, p -> p.total() / 1024, "%.2f") + " KB, rss " + stat(pcs, p -> p.rss() / 1024, "%.2f") + " KB");
                md.add("| memory at " + n + " | heap " + stat(pcs, MemoryRun.PerConnection::heap, "%.0f") + " B + direct "
                        + stat(pcs, MemoryRun.PerConnection::direct, "%.0f") + " B = "
                        + stat(pcs, p -> p.total() / 1024, "%.2f") + " KB (rss " + stat(pcs, p -> p.rss() / 1024, "%.1f") + " KB) |");
            }
        }
        System.out.println();
        System.out.println("Markdown rows (scenario | latency | deliveries/s | cpu-s per 100k | µs per delivery |"
                + " missing of expected | dropped | cpu vs reference 0.9-1.6):");
        md.forEach(System.out::println);
    }

    private static void filteredRatio(Map<String, List<TrafficRun.Result>> byKey) {
        List<String> keys = byKey.keySet().stream().filter(k -> k.startsWith("filtered-")).toList();
        if (keys.size() < 2) {
            return;
        }
        List<TrafficRun.Result> small = byKey.get(keys.get(0));
        List<TrafficRun.Result> large = byKey.get(keys.get(keys.size() - 1));
        for (boolean net : new boolean[] {false, true}) {
            ToDoubleFunction<TrafficRun.Result> f = net ? TrafficRun.Result::netCpuMicrosPerDelivery
                    : TrafficRun.Result::cpuMicrosPerDelivery;
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < Math.min(small.size(), large.size()); i++) {
                ratios.add(f.applyAsDouble(large.get(i)) / f.applyAsDouble(small.get(i)));
            }
            double medianRatio = median(large.stream().mapToDouble(f).boxed().toList())
                    / median(small.stream().mapToDouble(f).boxed().toList());
            System.out.printf(Locale.ROOT, "4. filtered: cpu per change %s / %s%s: ratio of medians %.2f; per run pair %s%n",
                    keys.get(keys.size() - 1), keys.get(0), net ? " (net of idle)" : "", medianRatio,
                    stat(ratios, d -> d, "%.2f"));
        }
    }

    /** {@code --bench sio}: Socket.IO cost per delivery over the raw WebSocket's, same case. */
    private static void sioRatio(Map<String, List<TrafficRun.Result>> byKey) {
        for (String key : byKey.keySet()) {
            if (!key.startsWith("sio-") || !byKey.containsKey("raw-" + key.substring(4))) {
                continue;
            }
            List<TrafficRun.Result> raw = byKey.get("raw-" + key.substring(4));
            List<TrafficRun.Result> sio = byKey.get(key);
            for (boolean net : new boolean[] {false, true}) {
                ToDoubleFunction<TrafficRun.Result> f = net ? TrafficRun.Result::netCpuMicrosPerDelivery
                        : TrafficRun.Result::cpuMicrosPerDelivery;
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < Math.min(raw.size(), sio.size()); i++) {
                    ratios.add(f.applyAsDouble(sio.get(i)) / f.applyAsDouble(raw.get(i)));
                }
                double medianRatio = median(sio.stream().mapToDouble(f).boxed().toList())
                        / median(raw.stream().mapToDouble(f).boxed().toList());
                System.out.printf(Locale.ROOT, "5. Socket.IO / raw cpu per delivery, %s%s: ratio of medians %.2f;"
                        + " per run pair %s (target <= 1.5)%n", key.substring(4), net ? " (net of idle)" : "",
                        medianRatio, stat(ratios, d -> d, "%.2f"));
            }
        }
    }

    private static String ratio(List<TrafficRun.Result> rs) {
        double m = median(rs.stream().map(TrafficRun.Result::cpuPer100k).toList());
        return String.format(Locale.ROOT, "%.2f-%.2f x (ours / reference)", m / REF_CPU_HIGH, m / REF_CPU_LOW);
    }

    private static <T> void line(String what, List<T> rs, ToDoubleFunction<T> f, String fmt) {
        System.out.printf("  %-26s %s%n", what, stat(rs, f, fmt));
    }

    /** median [min - max]; values that are NaN (nothing measured in that run) are left out and counted. */
    static <T> String stat(List<T> rs, ToDoubleFunction<T> f, String fmt) {
        List<Double> v = rs.stream().map(f::applyAsDouble).filter(d -> !Double.isNaN(d))
                .sorted(Comparator.naturalOrder()).toList();
        if (v.isEmpty()) {
            return "- (not measured in any run)";
        }
        String s = String.format(Locale.ROOT, fmt + " [" + fmt + " - " + fmt + "]", median(v), v.get(0), v.get(v.size() - 1));
        return v.size() < rs.size() ? s + " (" + v.size() + " of " + rs.size() + " runs)" : s;
    }

    /** A latency in ms, NaN when nothing was measured. */
    static double msOrNaN(long micros) {
        return micros < 0 ? Double.NaN : micros / 1000.0;
    }

    static double median(List<Double> values) {
        List<Double> v = values.stream().sorted().toList();
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static String ms(long micros) {
        return micros < 0 ? "-" : String.format(Locale.ROOT, "%.2f ms", micros / 1000.0);
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }
}
