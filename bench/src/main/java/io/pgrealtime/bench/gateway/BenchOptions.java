package io.pgrealtime.bench.gateway;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Command-line options of {@link GatewayBenchmark}; see bench/README.md for their meaning. */
final class BenchOptions {
    Set<String> benches = new LinkedHashSet<>(List.of("latency", "fanout", "memory", "filtered"));
    int runs = 3;
    int warmupSeconds = 20;
    int windowSeconds = 20;
    int idleSeconds = 10;
    int drainSeconds = 60;
    int rowsPerTx = 1;
    List<String> gatewayJvm = List.of("-Xms1g", "-Xmx1g");
    int loadgenThreads = 2;
    int clientPingSeconds = 30;
    int maxHandshakes = 200;
    String redisAppendfsync = "everysec";
    int quietWaitSeconds = 120;
    double quietCpu = 0.3;
    double maxOtherCpu = 0.25;
    int retries = 2;
    List<int[]> latencyCases = List.of(new int[] {1_000, 1_000});
    List<int[]> fanoutCases = List.of(new int[] {1_000, 200}, new int[] {5_000, 100});
    List<Integer> memoryCheckpoints = List.of(5_000, 10_000, 19_750);
    /** {@code --bench sio}: Socket.IO vs raw WebSocket fan-out, connections x changes per second. */
    List<int[]> sioCases = List.of(new int[] {1_000, 200});
    List<Integer> filteredSubscribers = List.of(1_000, 10_000);
    int filteredRate = 5_000;
    int filteredRowsPerTx = 10;
    java.util.Map<String, String> gatewayProps = new java.util.LinkedHashMap<>();
    String jfrDir;
    String logDir = "/tmp/pgrt-gateway-bench";

    static final String USAGE = "usage: GatewayBenchmark [--bench latency,fanout,memory,filtered,sio|all] [--runs N]"
            + " [--warmup S] [--window S] [--idle S] [--drain S] [--rows-per-tx N] [--gateway-jvm \"-Xmx1g …\"]"
            + " [--loadgen-threads N] [--client-ping S] [--max-handshakes N] [--redis-appendfsync always|everysec|no]"
            + " [--quiet-wait S] [--quiet-cpu F] [--max-other-cpu F] [--retries N] [--latency-cases 1000x1000]"
            + " [--fanout-cases 1000x200,5000x100] [--sio-cases 1000x200] [--memory-connections 5000,10000,19500]"
            + " [--filtered-subscribers 1000,10000] [--filtered-rate R] [--filtered-rows-per-tx N] [--jfr DIR] [--log-dir DIR]"
            + " [--gateway-prop key=value]…";

    static BenchOptions parse(String[] args) {
        BenchOptions o = new BenchOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--bench" -> o.benches = v.equals("all") ? o.benches : new LinkedHashSet<>(Arrays.asList(v.split(",")));
                case "--runs" -> o.runs = positive(a, v);
                case "--warmup" -> o.warmupSeconds = Integer.parseInt(v);
                case "--window" -> o.windowSeconds = positive(a, v);
                case "--idle" -> o.idleSeconds = positive(a, v);
                case "--drain" -> o.drainSeconds = positive(a, v);
                case "--rows-per-tx" -> o.rowsPerTx = positive(a, v);
                case "--gateway-jvm" -> o.gatewayJvm = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
                case "--loadgen-threads" -> o.loadgenThreads = positive(a, v);
                case "--client-ping" -> o.clientPingSeconds = Integer.parseInt(v);
                case "--max-handshakes" -> o.maxHandshakes = positive(a, v);
                case "--redis-appendfsync" -> o.redisAppendfsync = v;
                case "--quiet-wait" -> o.quietWaitSeconds = Integer.parseInt(v);
                case "--quiet-cpu" -> o.quietCpu = Double.parseDouble(v);
                case "--latency-cases" -> o.latencyCases = cases(v);
                case "--fanout-cases" -> o.fanoutCases = cases(v);
                case "--sio-cases" -> o.sioCases = cases(v);
                case "--max-other-cpu" -> o.maxOtherCpu = Double.parseDouble(v);
                case "--retries" -> o.retries = Integer.parseInt(v);
                case "--memory-connections" -> o.memoryCheckpoints = ints(v);
                case "--filtered-subscribers" -> o.filteredSubscribers = ints(v);
                case "--filtered-rate" -> o.filteredRate = positive(a, v);
                case "--filtered-rows-per-tx" -> o.filteredRowsPerTx = positive(a, v);
                case "--jfr" -> o.jfrDir = v;
                case "--gateway-prop" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--gateway-prop takes key=value");
                    }
                    o.gatewayProps.put(v.substring(0, eq), v.substring(eq + 1));
                }
                case "--log-dir" -> o.logDir = v;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        for (String b : o.benches) {
            if (!List.of("latency", "fanout", "memory", "filtered", "sio").contains(b)) {
                throw new IllegalArgumentException("unknown benchmark " + b);
            }
        }
        return o;
    }

    /** {@code 1000x200,5000x100}: connections x changes per second. */
    private static List<int[]> cases(String v) {
        List<int[]> cases = new ArrayList<>();
        for (String c : v.split(",")) {
            String[] p = c.trim().split("x");
            cases.add(new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])});
        }
        return cases;
    }

    private static List<Integer> ints(String v) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return out;
    }

    private static int positive(String name, String v) {
        int n = Integer.parseInt(v);
        if (n <= 0) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return n;
    }
}
