package io.pgrealtime.bench.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time from the kernel's {@code /proc} counters (Linux): per process, per thread of a process,
 * and for the whole machine. Times are in seconds.
 */
final class ProcStats {
    private static final double TICK = 1.0 / clockTicks();

    private ProcStats() {
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    /** utime + stime of a process or thread, in seconds; -1 when it is gone. */
    static double cpu(Path statFile) {
        try {
            String s = Files.readString(statFile, StandardCharsets.US_ASCII);
            // The command name is in parentheses and may hold spaces: fields count from the last ')'.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {utime, stime} of a process in seconds; {-1, -1} when it is gone. */
    static double[] userSystem(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new double[] {Long.parseLong(f[11]) * TICK, Long.parseLong(f[12]) * TICK};
        } catch (IOException | RuntimeException e) {
            return new double[] {-1, -1};
        }
    }

    static double processCpu(long pid) {
        return cpu(Path.of("/proc", Long.toString(pid), "stat"));
    }

    static String comm(Path dir) {
        try {
            return Files.readString(dir.resolve("comm"), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** CPU seconds by thread name (digits folded into {@code #}, so a pool adds up) of one process. */
    static Map<String, Double> threadCpu(long pid) {
        Map<String, Double> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(t -> {
                double c = cpu(t.resolve("stat"));
                if (c >= 0) {
                    out.merge(comm(t).replaceAll("\\d+", "#"), c, Double::sum);
                }
            });
        } catch (IOException e) {
            // The process is gone.
        }
        return out;
    }

    /** CPU seconds of every process, by pid, with a short name. */
    static Map<Long, Named> processes() {
        Map<Long, Named> out = new HashMap<>();
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(d -> {
                double c = cpu(d.resolve("stat"));
                if (c >= 0) {
                    out.put(Long.parseLong(d.getFileName().toString()), new Named(comm(d), c));
                }
            });
        } catch (IOException e) {
            // Not Linux; nothing to report.
        }
        return out;
    }

    /** A process's name and CPU seconds. */
    record Named(String name, double cpu) {
    }

    /** Busy CPU seconds of the whole machine (all CPUs, everything but idle and iowait). */
    static double machineBusy() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Difference of two {@link #processes()} snapshots: CPU seconds by process name, excluding some pids. */
    static Map<String, Double> delta(Map<Long, Named> before, Map<Long, Named> after, java.util.Set<Long> exclude) {
        Map<String, Double> out = new HashMap<>();
        after.forEach((pid, a) -> {
            if (exclude.contains(pid)) {
                return;
            }
            Named b = before.get(pid);
            double d = a.cpu() - (b == null ? 0 : b.cpu());
            if (d > 0) {
                out.merge(a.name(), d, Double::sum);
            }
        });
        return out;
    }
}
