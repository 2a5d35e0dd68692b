package io.pgrealtime.bench.gateway;

import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.netty.buffer.Unpooled;

import java.util.List;

/**
 * The first half of the latency: commit time to the moment the change can be read from its Redis
 * stream (PostgreSQL, walsender, relay, Redis), measured by a reader of its own ({@code XREAD
 * BLOCK}, like the gateway's) in this JVM. Subtracted from the client-side latency, it leaves what
 * the gateway and the client add. Events with ids in the window are recorded.
 */
final class StreamProbe implements AutoCloseable {
    private static final byte[] COMMIT_US = "\"commit_us\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final StatefulRedisConnection<String, byte[]> connection;
    private final String key;
    private final Thread thread;
    private final LatencyHistogram histogram = new LatencyHistogram();
    private volatile boolean running = true;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    StreamProbe(RedisClient client, String key) {
        this.connection = client.connect(CODEC);
        this.key = key;
        this.thread = new Thread(this::loop, "stream-probe");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        String position = "$";
        try {
            while (running) {
                @SuppressWarnings("unchecked")
                List<StreamMessage<String, byte[]>> batch = connection.sync().xread(
                        XReadArgs.Builder.block(500).count(1000), XReadArgs.StreamOffset.from(key, position));
                long now = WsLoadClient.nowMicros();
                if (batch == null) {
                    continue;
                }
                for (StreamMessage<String, byte[]> m : batch) {
                    position = m.getId();
                    byte[] e = m.getBody().get("e");
                    if (e == null) {
                        continue;
                    }
                    long commit = WsLoadClient.numberAfter(Unpooled.wrappedBuffer(e), COMMIT_US);
                    long id = WsLoadClient.numberAfter(Unpooled.wrappedBuffer(e), "\"record\":{\"id\":".getBytes());
                    if (commit >= 0 && id >= windowStart && id <= windowEnd) {
                        synchronized (histogram) {
                            histogram.record(now - commit);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            if (running) {
                System.err.println("stream probe stopped: " + e);
            }
        }
    }

    void startWindow(long firstId) {
        windowStart = Long.MAX_VALUE;
        synchronized (histogram) {
            histogram.clear();
        }
        windowEnd = Long.MAX_VALUE;
        windowStart = firstId;
    }

    void endWindow(long lastId) {
        windowEnd = lastId;
    }

    /** A copy of the window's histogram. */
    LatencyHistogram latencies() {
        LatencyHistogram copy = new LatencyHistogram();
        synchronized (histogram) {
            copy.add(histogram);
        }
        return copy;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
    }
}
