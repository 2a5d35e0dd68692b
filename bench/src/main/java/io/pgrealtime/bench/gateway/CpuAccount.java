package io.pgrealtime.bench.gateway;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who used the CPUs between two moments: the gateway JVM, this benchmark's JVM (load generator,
 * relay, writer), this benchmark's PostgreSQL and Redis, and every other process on the machine
 * (which makes a measurement suspect when it is large). From the kernel's counters in /proc.
 */
final class CpuAccount {
    /** One moment. */
    record Snapshot(long nanoTime, Map<Long, ProcStats.Named> processes, double machineBusy,
                    Map<String, Double> gatewayThreads, double[] gatewayUserSystem) {
    }

    /**
     * CPU seconds between two snapshots.
     *
     * @param others other processes by name, largest first
     */
    record Split(double seconds, double gateway, double benchJvm, double postgres, double redis, double others,
                 Map<String, Double> otherByName, double machine, Map<String, Double> gatewayThreads,
                 double gatewayUser, double gatewaySystem) {
    }

    private CpuAccount() {
    }

    static Snapshot take(long gatewayPid) {
        return new Snapshot(System.nanoTime(), ProcStats.processes(), ProcStats.machineBusy(),
                gatewayPid > 0 ? ProcStats.threadCpu(gatewayPid) : Map.of(),
                gatewayPid > 0 ? ProcStats.userSystem(gatewayPid) : new double[] {0, 0});
    }

    /**
     * @param mine this benchmark's other processes (PostgreSQL, whose server detaches from this
     *             JVM, and Redis); everything else counts as other processes
     */
    static Split between(Snapshot a, Snapshot b, long gatewayPid, Set<Long> mine) {
        long self = ProcessHandle.current().pid();
        double gateway = 0;
        double bench = 0;
        double postgres = 0;
        double redis = 0;
        double others = 0;
        Map<String, Double> otherByName = new HashMap<>();
        for (Map.Entry<Long, ProcStats.Named> e : b.processes().entrySet()) {
            long pid = e.getKey();
            ProcStats.Named before = a.processes().get(pid);
            double d = e.getValue().cpu() - (before == null ? 0 : before.cpu());
            if (d <= 0) {
                continue;
            }
            String name = e.getValue().name();
            if (pid == gatewayPid) {
                gateway += d;
            } else if (pid == self) {
                bench += d;
            } else if (mine.contains(pid) && name.startsWith("postgres")) {
                postgres += d;
            } else if (mine.contains(pid) && name.startsWith("redis")) {
                redis += d;
            } else {
                others += d;
                otherByName.merge(mine.contains(pid) ? name + " (ours)" : name, d, Double::sum);
            }
        }
        Map<String, Double> threads = new HashMap<>();
        b.gatewayThreads().forEach((k, v) -> {
            double d = v - a.gatewayThreads().getOrDefault(k, 0.0);
            if (d > 0.005) {
                threads.put(k, d);
            }
        });
        return new Split((b.nanoTime() - a.nanoTime()) / 1e9, gateway, bench, postgres, redis, others,
                sortedDesc(otherByName), b.machineBusy() - a.machineBusy(), sortedDesc(threads),
                b.gatewayUserSystem()[0] - a.gatewayUserSystem()[0], b.gatewayUserSystem()[1] - a.gatewayUserSystem()[1]);
    }

    static Map<String, Double> sortedDesc(Map<String, Double> m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The first {@code n} entries as {@code name 1.23, …}. */
    static String top(Map<String, Double> m, int n) {
        return m.entrySet().stream().limit(n).map(e -> String.format(java.util.Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
