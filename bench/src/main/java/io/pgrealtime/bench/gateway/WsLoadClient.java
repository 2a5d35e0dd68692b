package io.pgrealtime.bench.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * The load generator: many raw WebSocket connections ({@code /realtime}) on a few Netty event
 * loop threads, each connection a channel with a small handler, so tens of thousands cost a few
 * hundred MB at most.
 *
 * <p>For each change event received it reads {@code commit_us} and the row's {@code id} straight
 * from the frame's bytes (no JSON parsing, so the load generator stays cheap beside the gateway on
 * the same CPUs), and, when the id is inside the measurement window, records the latency
 * (receive time minus commit time, both wall clock of this machine) and counts the event for its
 * connection. Ids are the writer's sequence, so a count per connection says whether every
 * delivery arrived.
 */
final class WsLoadClient implements AutoCloseable {
    private static final byte[] COMMIT_US = "\"commit_us\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RECORD_ID = "\"record\":{\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHANGE = "{\"type\":\"broadcast\",\"channel\":\"table:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACK = "{\"type\":\"ack\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "{\"type\":\"pong\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "{\"type\":\"error\"".getBytes(StandardCharsets.US_ASCII);
    // Socket.IO over its websocket transport (Engine.IO 4): packets are text frames.
    private static final byte[] SIO_EVENT = "42[\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIO_CONNECTED = "42[\"connected\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIO_ACK = "431[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIO_SUCCESS = "\"status\":\"success\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIO_TIMESTAMP = "\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIO_DATA_ID = "\"data\":{\"id\":".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final int pingSeconds;
    private final boolean sio;
    private final boolean millisCommit;
    private final List<Conn> conns = new ArrayList<>();
    private final ConcurrentLinkedQueue<LatencyHistogram> histograms = new ConcurrentLinkedQueue<>();
    private final FastThreadLocal<LatencyHistogram> histogram = new FastThreadLocal<>() {
        @Override
        protected LatencyHistogram initialValue() {
            LatencyHistogram h = new LatencyHistogram();
            histograms.add(h);
            return h;
        }
    };
    private final LongAdder windowReceived = new LongAdder();
    private final LongAdder allReceived = new LongAdder();
    private final LongAdder unparsed = new LongAdder();
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> closeStatuses = new ConcurrentHashMap<>();
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile int sampleLength = -1;

    /**
     * @param threads     event loop threads
     * @param pingSeconds interval of the WebSocket ping each connection sends (0: none), so that the
     *                    server's idle timeout does not close a connection that only listens
     */
    WsLoadClient(int threads, int pingSeconds) {
        this(threads, pingSeconds, false, false);
    }

    /**
     * @param sio          speak Socket.IO (Engine.IO 4, websocket transport) instead of the raw
     *                     protocol: {@code wsBase} is then the full {@code /socket.io/?EIO=4&transport=websocket}
     *                     URL, the token goes in the CONNECT packet, the first message is sent after the
     *                     namespace is connected, readiness is its ack {@code 431[{"status":"success"…}]},
     *                     and server pings {@code 2} are answered {@code 3}
     * @param millisCommit measure latency from the commit time truncated to the millisecond (what the
     *                     Socket.IO {@code timestamp} carries), so that raw and Socket.IO runs compare alike
     */
    WsLoadClient(int threads, int pingSeconds, boolean sio, boolean millisCommit) {
        this.pingSeconds = sio ? 0 : pingSeconds;
        this.sio = sio;
        this.millisCommit = millisCommit;
        // epoll where available: the load generator shares the CPUs with the gateway, so the
        // cheaper it reads, the less it disturbs what is measured.
        boolean epoll = io.netty.channel.epoll.Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("loadgen", true),
                epoll ? io.netty.channel.epoll.EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group)
                .channel(epoll ? io.netty.channel.epoll.EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }

    /** Outcome of {@link #connect}. */
    record ConnectResult(int attempted, int ready, int failed, double seconds, Map<String, Integer> errors) {
    }

    /**
     * Opens {@code n} connections, at most {@code maxInFlight} handshaking at a time, each
     * authenticated with its token and sending its first message (a subscribe, or a ping for idle
     * connections); a connection is ready when the ack (or pong) arrives. Returns when all are
     * ready or failed, or at the deadline.
     */
    ConnectResult connect(String wsBase, int n, IntFunction<String> token, IntFunction<String> firstMessage,
                          int maxInFlight, long timeoutSeconds) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(maxInFlight);
        int first = conns.size();
        for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
            if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            int index = first + i;
            URI uri = sio ? URI.create(wsBase) : URI.create(wsBase + "?token=" + token.apply(index));
            Conn c = new Conn(index, uri, firstMessage.apply(index), inFlight);
            if (sio) {
                c.sioConnect = "40{\"token\":\"" + token.apply(index) + "\"}";
            }
            conns.add(c);
            ChannelFuture f = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(16 * 1024), c);
                }
            }).connect(uri.getHost(), uri.getPort());
            f.addListener(x -> {
                if (!x.isSuccess()) {
                    c.fail("connect: " + x.cause());
                }
            });
        }
        while (System.nanoTime() < deadline && pending(first) > 0) {
            Thread.sleep(50);
        }
        int ready = 0;
        int failed = 0;
        for (int i = first; i < conns.size(); i++) {
            Conn c = conns.get(i);
            if (c.ready) {
                ready++;
            } else if (c.failed) {
                failed++;
            }
        }
        Map<String, Integer> errs = new TreeMap<>();
        errors.forEach((k, v) -> errs.put(k, v.get()));
        return new ConnectResult(n, ready, failed, (System.nanoTime() - t0) / 1e9, errs);
    }

    private int pending(int from) {
        int p = 0;
        for (int i = from; i < conns.size(); i++) {
            Conn c = conns.get(i);
            if (!c.ready && !c.failed) {
                p++;
            }
        }
        return p;
    }

    /** Starts recording: events with id {@code >= firstId} count. Histograms are cleared first. */
    void startWindow(long firstId) {
        windowStart = Long.MAX_VALUE;
        windowEnd = Long.MAX_VALUE;
        for (Conn c : conns) {
            c.inWindow = 0;
            c.outOfOrder = 0;
        }
        // Nothing records while windowStart is MAX_VALUE: safe to clear from this thread.
        for (LatencyHistogram h : histograms) {
            h.clear();
        }
        windowReceived.reset();
        windowStart = firstId;
    }

    /** Ends the window: events with id {@code > lastId} no longer count. */
    void endWindow(long lastId) {
        windowEnd = lastId;
    }

    long windowReceived() {
        return windowReceived.sum();
    }

    long allReceived() {
        return allReceived.sum();
    }

    long unparsed() {
        return unparsed.sum();
    }

    /** Connections that were ready and then closed (by the server or the network). */
    int dropped() {
        return dropped.get();
    }

    Map<Integer, Integer> closeStatuses() {
        Map<Integer, Integer> m = new TreeMap<>();
        closeStatuses.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    Map<String, Integer> errors() {
        Map<String, Integer> m = new TreeMap<>();
        errors.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Size in bytes of one change frame's text, or -1 before the first. */
    int sampleLength() {
        return sampleLength;
    }

    int size() {
        return conns.size();
    }

    /**
     * In-window counts per connection, read on each connection's event loop (where they are
     * written), so the values are exact.
     */
    long[] windowCounts() throws Exception {
        long[] out = new long[conns.size()];
        List<io.netty.util.concurrent.Future<?>> fs = new ArrayList<>();
        for (Conn c : conns) {
            if (c.channel == null) {
                continue;
            }
            fs.add(c.channel.eventLoop().submit(() -> {
                out[c.index] = c.inWindow;
            }));
        }
        for (io.netty.util.concurrent.Future<?> f : fs) {
            f.get(30, TimeUnit.SECONDS);
        }
        return out;
    }

    /** The first (at most 16) in-window ids connection {@code i} received, read on its event loop. */
    long[] firstIds(int i) throws Exception {
        Conn c = conns.get(i);
        if (c.channel == null) {
            return new long[0];
        }
        return c.channel.eventLoop().submit(() -> java.util.Arrays.copyOf(c.firstIds, (int) Math.min(c.inWindow,
                c.firstIds.length))).get(30, TimeUnit.SECONDS);
    }

    /** Whether connection {@code i} is open. */
    boolean isOpen(int i) {
        Channel ch = conns.get(i).channel;
        return ch != null && ch.isActive();
    }

    /** Events that arrived in a lower id than one already seen on the same connection. */
    long outOfOrder() {
        long n = 0;
        for (Conn c : conns) {
            n += c.outOfOrder;
        }
        return n;
    }

    /** The merged latency histogram of the window (call after the traffic has stopped). */
    LatencyHistogram latencies() {
        LatencyHistogram all = new LatencyHistogram();
        for (LatencyHistogram h : histograms) {
            all.add(h);
        }
        return all;
    }

    /** Open connections right now. */
    int open() {
        int n = 0;
        for (Conn c : conns) {
            if (c.channel != null && c.channel.isActive()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        for (Conn c : conns) {
            c.closing = true;
            if (c.channel != null) {
                c.channel.close();
            }
        }
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(30, TimeUnit.SECONDS);
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** One connection. Its fields are written on its event loop only. */
    private final class Conn extends SimpleChannelInboundHandler<Object> {
        final int index;
        final URI uri;
        final String first;
        String sioConnect;
        final WebSocketClientHandshaker handshaker;
        java.util.concurrent.Semaphore inFlight;
        volatile Channel channel;
        volatile boolean ready;
        volatile boolean failed;
        volatile boolean closing;
        long inWindow;
        /** The first in-window ids received (for reporting what an incomplete connection missed). */
        final long[] firstIds = new long[16];
        long lastId = -1;
        long outOfOrder;
        ScheduledFuture<?> ping;

        Conn(int index, URI uri, String first, java.util.concurrent.Semaphore inFlight) {
            this.index = index;
            this.uri = uri;
            this.first = first;
            this.inFlight = inFlight;
            this.handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, false,
                    new DefaultHttpHeaders(), 1024 * 1024);
        }

        private void releaseSlot() {
            java.util.concurrent.Semaphore s = inFlight;
            if (s != null) {
                inFlight = null;
                s.release();
            }
        }

        void fail(String why) {
            if (!ready && !failed) {
                failed = true;
                errors.computeIfAbsent(shorten(why), k -> new AtomicInteger()).incrementAndGet();
                releaseSlot();
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            handshaker.handshake(ctx.channel());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (!handshaker.isHandshakeComplete()) {
                if (msg instanceof FullHttpResponse res) {
                    try {
                        handshaker.finishHandshake(ctx.channel(), res);
                    } catch (RuntimeException e) {
                        fail("handshake: HTTP " + res.status().code());
                        ctx.close();
                        return;
                    }
                    if (!sio) {
                        ctx.writeAndFlush(new TextWebSocketFrame(first));
                    }
                }
                return;
            }
            if (msg instanceof TextWebSocketFrame t) {
                if (sio) {
                    sioText(ctx, t.content());
                } else {
                    text(ctx, t.content());
                }
            } else if (msg instanceof PingWebSocketFrame p) {
                ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame c) {
                if (!closing) {
                    closeStatuses.computeIfAbsent(c.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                }
                ctx.close();
            }
        }

        private void text(ChannelHandlerContext ctx, ByteBuf b) {
            int from = b.readerIndex();
            if (startsWith(b, from, CHANGE)) {
                allReceived.increment();
                if (sampleLength < 0) {
                    sampleLength = b.readableBytes();
                }
                long received = nowMicros();
                long commit = numberAfter(b, COMMIT_US);
                if (millisCommit && commit >= 0) {
                    commit = commit / 1000 * 1000;
                }
                change(received, commit, numberAfter(b, RECORD_ID));
            } else if (startsWith(b, from, ACK) || startsWith(b, from, PONG)) {
                markReady(ctx);
            } else if (startsWith(b, from, ERROR)) {
                String text = b.toString(StandardCharsets.UTF_8);
                errors.computeIfAbsent(shorten(text), k -> new AtomicInteger()).incrementAndGet();
                fail(text);
            }
        }

        private void change(long received, long commit, long id) {
            if (commit < 0 || id < 0) {
                unparsed.increment();
                return;
            }
            if (id < lastId) {
                outOfOrder++;
            }
            lastId = id;
            if (id >= windowStart && id <= windowEnd) {
                if (inWindow < firstIds.length) {
                    firstIds[(int) inWindow] = id;
                }
                inWindow++;
                windowReceived.increment();
                histogram.get().record(received - commit);
            }
        }

        private void markReady(ChannelHandlerContext ctx) {
            if (!ready) {
                ready = true;
                releaseSlot();
                if (pingSeconds > 0) {
                    long first = ThreadLocalRandom.current().nextLong(pingSeconds * 1000L) + 1;
                    ping = ctx.channel().eventLoop().scheduleAtFixedRate(
                            () -> ctx.writeAndFlush(new PingWebSocketFrame()), first, pingSeconds * 1000L,
                            TimeUnit.MILLISECONDS);
                }
            }
        }

        /** One Engine.IO packet (a text frame) of a Socket.IO connection. */
        private void sioText(ChannelHandlerContext ctx, ByteBuf b) {
            int from = b.readerIndex();
            int len = b.readableBytes();
            if (len == 0) {
                return;
            }
            byte type = b.getByte(from);
            if (startsWith(b, from, SIO_EVENT)) {
                if (startsWith(b, from, SIO_CONNECTED)) {
                    return;
                }
                allReceived.increment();
                if (sampleLength < 0) {
                    sampleLength = len;
                }
                long received = nowMicros();
                long commitMs = isoMillisAfter(b, SIO_TIMESTAMP);
                change(received, commitMs < 0 ? -1 : commitMs * 1000, numberAfter(b, SIO_DATA_ID));
            } else if (type == '2' && len == 1) {
                ctx.writeAndFlush(new TextWebSocketFrame("3"));
            } else if (type == '0') {
                // Engine.IO open: connect the default namespace with the token.
                ctx.writeAndFlush(new TextWebSocketFrame(sioConnect));
            } else if (type == '4' && len >= 2 && b.getByte(from + 1) == '0') {
                // Namespace connected: subscribe.
                ctx.writeAndFlush(new TextWebSocketFrame(first));
            } else if (startsWith(b, from, SIO_ACK)) {
                if (indexOf(b, SIO_SUCCESS) >= 0) {
                    markReady(ctx);
                } else {
                    String text = b.toString(StandardCharsets.UTF_8);
                    errors.computeIfAbsent(shorten(text), k -> new AtomicInteger()).incrementAndGet();
                    fail(text);
                }
            } else if (type == '4' && len >= 2 && b.getByte(from + 1) == '4') {
                String text = b.toString(StandardCharsets.UTF_8);
                errors.computeIfAbsent(shorten(text), k -> new AtomicInteger()).incrementAndGet();
                fail(text);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ping != null) {
                ping.cancel(false);
            }
            if (ready && !closing) {
                dropped.incrementAndGet();
            }
            fail("closed before ready");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause.toString());
            ctx.close();
        }
    }

    private static String shorten(String s) {
        // Error texts name connection-specific things (ports, ids): keep the part that classifies them.
        String t = s.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<id>").replaceAll(":\\d{2,5}", ":<port>");
        return t.length() > 160 ? t.substring(0, 160) : t;
    }

    private static boolean startsWith(ByteBuf b, int from, byte[] prefix) {
        if (b.writerIndex() - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b.getByte(from + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** A thread's scratch array for scanning frames (reading a heap array is far cheaper than ByteBuf.getByte per byte). */
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[][] {new byte[4096]});

    /** The readable bytes of {@code b}, copied into this thread's scratch array (valid until the next call). */
    private static byte[] scratch(ByteBuf b) {
        byte[][] holder = SCRATCH.get();
        int len = b.readableBytes();
        if (holder[0].length < len) {
            holder[0] = new byte[Math.max(len, holder[0].length * 2)];
        }
        b.getBytes(b.readerIndex(), holder[0], 0, len);
        return holder[0];
    }

    /** Index (from the reader index) of the first occurrence of {@code key}, or -1. */
    static int indexOf(ByteBuf b, byte[] key) {
        return indexOf(scratch(b), b.readableBytes(), key);
    }

    static int indexOf(byte[] a, int len, byte[] key) {
        byte first = key[0];
        outer:
        for (int i = 0; i <= len - key.length; i++) {
            if (a[i] != first) {
                continue;
            }
            for (int k = 1; k < key.length; k++) {
                if (a[i + k] != key[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Epoch milliseconds of the ISO-8601 UTC time {@code yyyy-MM-ddTHH:mm:ss.SSSZ} right after
     * {@code key}, read from the bytes (no allocation but a LocalDate), or -1.
     */
    static long isoMillisAfter(ByteBuf b, byte[] key) {
        int len = b.readableBytes();
        byte[] a = scratch(b);
        int i = indexOf(a, len, key);
        if (i < 0) {
            return -1;
        }
        int p = i + key.length;
        if (len - p < 24 || a[p + 23] != 'Z' || a[p + 10] != 'T') {
            return -1;
        }
        int year = digits(a, p, 4);
        int month = digits(a, p + 5, 2);
        int day = digits(a, p + 8, 2);
        int hour = digits(a, p + 11, 2);
        int minute = digits(a, p + 14, 2);
        int second = digits(a, p + 17, 2);
        int milli = digits(a, p + 20, 3);
        if (year < 0 || month < 1 || day < 1 || hour < 0 || minute < 0 || second < 0 || milli < 0) {
            return -1;
        }
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        return ((epochDay * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + milli;
    }

    private static int digits(byte[] a, int at, int n) {
        int v = 0;
        for (int k = 0; k < n; k++) {
            byte c = a[at + k];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The non-negative integer right after the first occurrence of {@code key}, or -1. */
    static long numberAfter(ByteBuf b, byte[] key) {
        int len = b.readableBytes();
        byte[] a = scratch(b);
        int i = indexOf(a, len, key);
        if (i < 0) {
            return -1;
        }
        long v = 0;
        int digits = 0;
        for (int j = i + key.length; j < len; j++) {
            byte c = a[j];
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
            digits++;
        }
        return digits == 0 ? -1 : v;
    }
}
