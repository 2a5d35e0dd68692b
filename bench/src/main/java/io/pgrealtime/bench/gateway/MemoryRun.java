package io.pgrealtime.bench.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of the memory benchmark on a fresh gateway node: the node's memory after two full GCs
 * with no connection, then with more and more idle authenticated connections (each has sent one
 * {@code ping} and got its {@code pong}, so it is past authentication and the connection count,
 * with a bound session; no subscription).
 */
final class MemoryRun {

    /** The node's memory at one connection count. */
    record Point(int connections, int gatewayConnections, long heapUsed, long nettyDirect, long allocatorDirect,
                 long allocatorHeap, long jdkDirect, long rssKb, long fds) {
        static Point of(int connections, JsonNode s) {
            return new Point(connections, s.path("connections").asInt(), s.path("heapUsed").asLong(),
                    s.path("nettyDirect").asLong(), s.path("allocatorDirect").asLong(-1),
                    s.path("allocatorHeap").asLong(-1), s.path("jdkDirect").asLong(), s.path("rssKb").asLong(),
                    s.path("fds").asLong());
        }
    }

    /** Per-connection figures of a point against the baseline, in bytes. */
    record PerConnection(int connections, double heap, double direct, double total, double rss) {
    }

    record Result(int run, Point baseline, List<Point> points, WsLoadClient.ConnectResult lastConnect, int dropped,
                  Map<String, Integer> errors, String allocator, List<String> problems) {
        PerConnection per(Point p) {
            double n = p.connections();
            double heap = (p.heapUsed() - baseline.heapUsed()) / n;
            // Netty's own counter covers its pooled and unpooled direct buffers (no-cleaner ones
            // included); the JDK's direct pool covers ByteBuffer.allocateDirect outside Netty.
            double direct = ((p.nettyDirect() - baseline.nettyDirect()) + (p.jdkDirect() - baseline.jdkDirect())) / n;
            double rss = (p.rssKb() - baseline.rssKb()) * 1024.0 / n;
            return new PerConnection(p.connections(), heap, direct, heap + direct, rss);
        }

        Point last() {
            return points.get(points.size() - 1);
        }
    }

    private final GatewayBenchmark env;
    private final BenchOptions o;

    MemoryRun(GatewayBenchmark env) {
        this.env = env;
        this.o = env.options();
    }

    Result run(int run) throws Exception {
        List<String> problems = new ArrayList<>();
        try (GatewayNode gw = env.startGateway("memory-run" + run);
             WsLoadClient client = new WsLoadClient(o.loadgenThreads, o.clientPingSeconds)) {
            String allocator = gw.command("stats").path("allocator").asText("");
            // Let start-up work (JIT, Redis connections, first snapshot load) finish before the baseline.
            Thread.sleep(5_000);
            Point base = Point.of(0, gw.gcStats());
            List<Point> points = new ArrayList<>();
            WsLoadClient.ConnectResult last = null;
            int have = 0;
            for (int target : o.memoryCheckpoints) {
                int offset = have;
                last = client.connect(env.wsUrl(gw), target - have, i -> env.token("m" + (offset + i)),
                        i -> "{\"type\":\"ping\"}", o.maxHandshakes, 600);
                have = client.size();
                if (last.ready() < last.attempted()) {
                    problems.add("at " + target + ": " + last.ready() + " of " + last.attempted() + " connected; errors "
                            + last.errors());
                }
                Thread.sleep(5_000);
                int open = client.open();
                points.add(Point.of(open, gw.gcStats()));
                if (last.ready() < last.attempted()) {
                    break;
                }
            }
            return new Result(run, base, points, last, client.dropped(), client.errors(), allocator, problems);
        }
    }
}
