package io.pgrealtime.gateway.transport.socketio;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgrealtime.gateway.session.Outbound;
import io.pgrealtime.gateway.session.SharedFrame;
import io.pgrealtime.gateway.transport.ChannelSink;
import io.pgrealtime.gateway.transport.LoopWriter;
import io.pgrealtime.gateway.transport.socketio.codec.EngineEncoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One Engine.IO v4 session: polling (GET long-poll, POST), WebSocket, and the upgrade between
 * them (probe, upgrade, noop). Carries complete Engine.IO text packets (UTF-8), which is also the
 * {@link Outbound} the Socket.IO layer writes through.
 *
 * <p>Server-initiated heartbeat: a ping every {@code pingInterval}; a session that does not answer
 * within {@code pingTimeout}, or whose buffer of unsent packets passes the outbound limit, is
 * closed. All state is guarded by this object's lock; network writes happen outside it or on the
 * channel's event loop.
 */
final class EngineSession implements Outbound {
    private static final byte[] PING = {'2'};
    private static final byte[] NOOP = {'6'};

    private final String sid;
    private final EventLoop timers;
    private final long pingIntervalMs;
    private final long pingTimeoutMs;
    private final long maxQueuedBytes;
    private final Consumer<EngineSession> onClose;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queuedBytes;
    private ChannelHandlerContext pendingPoll;
    private Consumer<String> pendingPollResponder;
    private Channel webSocket;
    private boolean upgraded;
    private boolean probing;
    private boolean closed;
    private ScheduledFuture<?> pingTask;
    private ScheduledFuture<?> timeoutTask;
    private volatile SocketIoConnection socket;
    private final java.util.function.Function<EventLoop, LoopWriter> writers;
    private volatile ChannelSink wsSink;

    EngineSession(String sid, EventLoop timers, long pingIntervalMs, long pingTimeoutMs, long maxQueuedBytes,
                  Consumer<EngineSession> onClose, java.util.function.Function<EventLoop, LoopWriter> writers) {
        this.sid = sid;
        this.writers = writers;
        this.timers = timers;
        this.pingIntervalMs = pingIntervalMs;
        this.pingTimeoutMs = pingTimeoutMs;
        this.maxQueuedBytes = maxQueuedBytes;
        this.onClose = onClose;
        schedulePing();
    }

    String sid() {
        return sid;
    }

    SocketIoConnection socket() {
        return socket;
    }

    void socket(SocketIoConnection s) {
        this.socket = s;
    }

    /** Runs a task on the session's timer loop after {@code delayMs}. */
    void schedule(Runnable task, long delayMs) {
        timers.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    /** The loop the session's timers run on. */
    EventLoop timers() {
        return timers;
    }

    private void schedulePing() {
        pingTask = timers.schedule(() -> {
            send(PING);
            timeoutTask = timers.schedule(() -> close("ping timeout"), pingTimeoutMs, TimeUnit.MILLISECONDS);
        }, pingIntervalMs, TimeUnit.MILLISECONDS);
    }

    /** A pong arrived: the client is alive. */
    void pong() {
        synchronized (this) {
            if (timeoutTask != null) {
                timeoutTask.cancel(false);
            }
            if (!closed) {
                schedulePing();
            }
        }
    }

    @Override
    public boolean send(byte[] packet) {
        Channel ws;
        synchronized (this) {
            if (closed) {
                return true;
            }
            ws = upgraded ? webSocket : null;
            if (ws == null) {
                long cost = packet.length + io.pgrealtime.gateway.session.OutboundEstimator.OVERHEAD;
                if (queuedBytes + cost > maxQueuedBytes) {
                    return false;
                }
                queue.add(packet);
                queuedBytes += cost;
                flushPollLocked();
                return true;
            }
        }
        if (!ws.isWritable()) {
            return false;
        }
        if (ws.eventLoop().inEventLoop()) {
            ws.writeAndFlush(SharedFrame.textFrame(packet), ws.voidPromise());
            return true;
        }
        return wsSink.offer(SharedFrame.textFrame(packet), true);
    }

    /**
     * The timer loop, fixed for the session's life: after an upgrade the WebSocket may live on
     * another loop, but the fan-out keeps delivering here (its writes go to that loop's writer),
     * so that the order of the session's deliveries never depends on when it upgraded.
     */
    @Override
    public java.util.concurrent.Executor loop() {
        return timers;
    }

    /** Over the WebSocket: the shared frame, batched by the loop's writer; while polling: queued like {@link #send}. */
    @Override
    public boolean write(SharedFrame message) {
        ChannelSink sink;
        synchronized (this) {
            if (closed) {
                return true;
            }
            sink = upgraded ? wsSink : null;
        }
        return sink == null ? send(message.bytes()) : sink.offer(message, false);
    }

    private void attach(Channel ws) {
        this.webSocket = ws;
        this.wsSink = new ChannelSink(ws, writers.apply(ws.eventLoop()), this::overflow);
    }

    /** A batched message found the WebSocket's buffer full (event loop). */
    private void overflow() {
        SocketIoConnection s = socket;
        io.pgrealtime.gateway.session.ClientSession cs = s == null ? null : s.session();
        if (cs != null) {
            cs.close(io.pgrealtime.gateway.session.CloseStatus.SLOW_CONSUMER,
                    "client is not reading fast enough; reconnect to restore");
        } else {
            close("slow consumer");
        }
    }

    /** A polling GET: answered now if packets wait, else held until one does (a ping comes every interval). */
    synchronized boolean poll(ChannelHandlerContext ctx, Consumer<String> responder) {
        if (closed || upgraded) {
            responder.accept(closed ? "1" : "6");
            return true;
        }
        if (pendingPoll != null) {
            return false;
        }
        pendingPoll = ctx;
        pendingPollResponder = responder;
        if (probing && queue.isEmpty()) {
            queue.add(NOOP);
        }
        flushPollLocked();
        return true;
    }

    private void flushPollLocked() {
        if (pendingPoll == null || queue.isEmpty()) {
            return;
        }
        StringBuilder body = new StringBuilder();
        while (!queue.isEmpty()) {
            if (body.length() > 0) {
                body.append(EngineEncoder.RECORD_SEPARATOR);
            }
            body.append(new String(queue.poll(), StandardCharsets.UTF_8));
        }
        queuedBytes = 0;
        Consumer<String> r = pendingPollResponder;
        pendingPoll = null;
        pendingPollResponder = null;
        r.accept(body.toString());
    }

    /**
     * The WebSocket of an upgrade answered the probe. Polling still carries the traffic, but the
     * client must pause it (let its pending GET finish) before it sends UPGRADE: a held poll is
     * answered now, with a noop if nothing waits, and so are later polls until the upgrade.
     */
    synchronized void probe(Channel ws) {
        attach(ws);
        this.probing = true;
        if (pendingPoll != null) {
            if (queue.isEmpty()) {
                queue.add(NOOP);
            }
            flushPollLocked();
        }
    }

    /** The client sent UPGRADE on the WebSocket: switch, end any held poll with a noop, flush the queue. */
    void upgrade() {
        List<byte[]> flush;
        Channel ws;
        synchronized (this) {
            if (webSocket == null || closed) {
                return;
            }
            upgraded = true;
            ws = webSocket;
            if (pendingPoll != null) {
                Consumer<String> r = pendingPollResponder;
                pendingPoll = null;
                pendingPollResponder = null;
                r.accept(new String(NOOP, StandardCharsets.UTF_8));
            }
            flush = new ArrayList<>(queue);
            queue.clear();
            queuedBytes = 0;
        }
        for (byte[] p : flush) {
            ws.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(p)), ws.voidPromise());
        }
        ws.flush();
    }

    /** Starts on the WebSocket directly (no polling phase). */
    synchronized void websocketOnly(Channel ws) {
        attach(ws);
        this.upgraded = true;
    }

    synchronized boolean isUpgraded() {
        return upgraded;
    }

    /**
     * Closes for a closing error of protocol.md §1 ({@code TOKEN_EXPIRED}, {@code SLOW_CONSUMER},
     * …): the error is emitted as {@code subscription.error {code, message}} (§2: errors outside an
     * ack), then Socket.IO DISCONNECT (the client sees "io server disconnect" and does not
     * reconnect by itself), then the Engine.IO close.
     *
     * @param lastMessage the raw protocol's error message ({@code {"type":"error","code","message"}})
     */
    @Override
    public void close(int status, String reason, byte[] lastMessage) {
        if (lastMessage != null) {
            forceSend(SocketIoWire.errorEvent(lastMessage, reason));
        }
        // Socket.IO DISCONNECT, then the Engine.IO close.
        forceSend("41".getBytes(StandardCharsets.UTF_8));
        timers.schedule(() -> close(reason), 200, TimeUnit.MILLISECONDS);
    }

    private void forceSend(byte[] packet) {
        Channel ws;
        synchronized (this) {
            if (closed) {
                return;
            }
            ws = upgraded ? webSocket : null;
            if (ws == null) {
                queue.add(packet);
                flushPollLocked();
                return;
            }
        }
        ws.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(packet)), ws.voidPromise());
    }

    /** Ends the session (client close, transport close, timeout). */
    void close(String reason) {
        Channel ws;
        SocketIoConnection s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (pingTask != null) {
                pingTask.cancel(false);
            }
            if (timeoutTask != null) {
                timeoutTask.cancel(false);
            }
            if (pendingPoll != null) {
                Consumer<String> r = pendingPollResponder;
                pendingPoll = null;
                pendingPollResponder = null;
                r.accept("1");
            }
            ws = webSocket;
            s = socket;
            if (wsSink != null) {
                wsSink.closing();
            }
        }
        if (ws != null && ws.isActive()) {
            ws.writeAndFlush(new CloseWebSocketFrame(1000, reason)).addListener(ChannelFutureListener.CLOSE);
        }
        if (s != null) {
            s.closed();
        }
        onClose.accept(this);
    }

    @Override
    public synchronized boolean isOpen() {
        return !closed;
    }
}
