package io.pgrealtime.bench.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import io.pgrealtime.gateway.Gateway;
import io.pgrealtime.gateway.GatewayService;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.config.TableConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A gateway node in a JVM of its own, for {@link GatewayBenchmark}: the gateway's CPU time and
 * memory are then the process's, apart from the load generator's, the relay's and PostgreSQL's.
 *
 * <p>Arguments are {@code key=value} Micronaut properties ({@code micronaut.server.port=…},
 * {@code gateway.redis-url=…}, …). Once the server listens it prints {@code @@ {"ready":…}}; then
 * it answers commands read from stdin, one line each, with one {@code @@ <json>} line on stdout:
 * {@code stats}, {@code gc} (two full collections, then stats with RSS and open files), {@code table <schema.table>}
 * (whether the node knows the table's configuration), {@code quit}. End of stdin means quit, so
 * the node never outlives the benchmark that started it.
 */
public final class GatewayProcess {
    static final String REPLY = "@@ ";

    private GatewayProcess() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, Object> props = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got " + a);
            }
            props.put(a.substring(0, eq), a.substring(eq + 1));
        }
        // The protocol shares stdout with nothing else: everything else logs to stderr.
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
        Gateway gateway = server.getApplicationContext().getBean(GatewayService.class).gateway();
        ObjectNode ready = Json.mapper().createObjectNode();
        ready.put("ready", true);
        ready.put("port", server.getPort());
        ready.put("pid", ProcessHandle.current().pid());
        ready.put("allocator", ByteBufAllocator.DEFAULT.getClass().getName());
        out.println(REPLY + ready);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        try {
            while ((line = in.readLine()) != null) {
                String cmd = line.trim();
                if (cmd.equals("quit")) {
                    break;
                } else if (cmd.equals("stats")) {
                    out.println(REPLY + stats(gateway, false));
                } else if (cmd.equals("gc")) {
                    for (int i = 0; i < 2; i++) {
                        System.gc();
                        sleep(300);
                    }
                    out.println(REPLY + stats(gateway, true));
                } else if (cmd.startsWith("table ")) {
                    TableConfig t = gateway.registry().table(cmd.substring(6).trim());
                    ObjectNode n = Json.mapper().createObjectNode();
                    n.put("known", t != null && !t.columns().isEmpty());
                    out.println(REPLY + n);
                } else {
                    ObjectNode n = Json.mapper().createObjectNode();
                    n.put("error", "unknown command: " + cmd);
                    out.println(REPLY + n);
                }
            }
        } finally {
            server.getApplicationContext().close();
        }
        System.exit(0);
    }

    /** Counters, process CPU time and memory of this JVM. */
    static ObjectNode stats(Gateway gateway, boolean full) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("nanoTime", System.nanoTime());
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        n.put("cpuNs", os.getProcessCpuTime());
        n.put("deliveries", (long) gateway.metrics().deliveries());
        n.put("connections", gateway.metrics().connections());
        n.put("slowConsumers", (long) gateway.metrics().slowConsumers());
        long[] w = gateway.writeTotals();
        n.put("writeBatches", w[0]);
        n.put("writeMessages", w[1]);
        n.put("writeFlushes", w[2]);
        n.put("subscriptions", gateway.tables().subscriptionCount());
        n.put("heapUsed", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        n.put("heapCommitted", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted());
        n.put("nonHeapUsed", ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed());
        n.put("nettyDirect", PlatformDependent.usedDirectMemory());
        n.put("allocator", ByteBufAllocator.DEFAULT.getClass().getSimpleName());
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
            ByteBufAllocatorMetric m = p.metric();
            n.put("allocatorDirect", m.usedDirectMemory());
            n.put("allocatorHeap", m.usedHeapMemory());
        }
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                n.put("jdkDirect", b.getMemoryUsed());
            }
        }
        if (full) {
            // Listing /proc/self/fd costs milliseconds at 20,000 connections: only with "gc".
            n.put("rssKb", statusKb("VmRSS:"));
            n.put("fds", countFds());
            n.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        }
        return n;
    }

    private static long statusKb(String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(field)) {
                    return Long.parseLong(l.substring(field.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static long countFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            return -1;
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
