package io.pgrealtime.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.pgrealtime.gateway.session.SharedFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.ThreadExecutorMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes from other threads to the channels of one event loop, in batches: producers append
 * (channel, message) pairs; one task on the loop writes everything appended so far and then
 * flushes each channel it wrote to once. Under load the batches grow by themselves (what arrives
 * while a batch is written goes into the next), so the cost per message falls as the rate rises,
 * without a cross-thread task, a promise or a system call per message.
 *
 * <p>A channel that gets several {@link SharedFrame}s (the fan-out's encode-once messages) in one
 * batch, and nothing else, gets them copied into one buffer: one write, one outbound entry. A
 * frame that goes to a channel alone is copied once per batch into a direct buffer of this loop
 * and each such channel writes a duplicate of it. Reference counts and buffer recycling stay on
 * the loop's own thread.
 *
 * <p>{@code writeDelay} (default 0) sets a least interval between two batches of this loop, as
 * centrifuge's {@code WriteDelay} does: up to that much latency is added to collect more messages
 * into each system call. With 0, a batch starts as soon as the loop is free.
 *
 * <p>Order: messages appended for one channel are written in the order they were appended.
 * Thread-safe; {@link #run()} runs on the loop only.
 */
public final class LoopWriter implements Runnable {
    private final EventLoop loop;
    private final long writeDelayNanos;
    private Sink[] sinks = new Sink[256];
    private Object[] messages = new Object[256];
    private int size;
    private Sink[] drainSinks = new Sink[256];
    private Object[] drainMessages = new Object[256];
    private boolean scheduled;
    private long lastBatch;
    private final List<Sink> touched = new ArrayList<>();
    /** This batch's shared frames, each copied once into a direct buffer of this loop. */
    private final Map<SharedFrame, ByteBuf> direct = new IdentityHashMap<>();
    private SharedFrame lastFrame;
    private ByteBuf lastBuf;
    /** Totals for monitoring, written by the loop once per batch. */
    private volatile long batchCount;
    private volatile long messageCount;
    private volatile long flushCount;

    public LoopWriter(EventLoop loop, long writeDelayNanos) {
        this.loop = loop;
        this.writeDelayNanos = writeDelayNanos;
        this.lastBatch = System.nanoTime() - writeDelayNanos;
    }

    /** A channel's end of the writer: writes and flushes one message at a time, on the loop. */
    public abstract static class Sink {
        // Per-batch state, loop only.
        private boolean flushPending;
        private boolean mixed;
        private int frames;
        private int bytes;
        private ByteBuf buf;

        /** Writes one message to the channel (without flushing) or, if it can no longer take it, releases it. */
        protected abstract void writeOnLoop(Object message);

        protected abstract void flushOnLoop();
    }

    /**
     * Appends a message; it is written by the next batch, which this call does not start unless
     * {@value #MAX_PENDING} messages already wait. Then a caller that is no event loop waits until
     * the loop has taken them (the gateway reads Redis more slowly instead of queueing without
     * bound); the loop itself writes them at once; another event loop only starts a batch and
     * never waits (two loops that write to each other's channels could wait for each other).
     * The fan-out's own bound is in {@code fanout.LoopFanout}: it queues a bounded amount of work
     * per loop.
     */
    public void write(Sink sink, Object message) {
        boolean drainNow = false;
        synchronized (this) {
            append(sink, message);
            if (size >= MAX_PENDING) {
                if (loop.inEventLoop()) {
                    drainNow = !running;
                } else if (ThreadExecutorMap.currentExecutor() != null) {
                    // Another Netty event loop (Netty records which executor a thread runs).
                    scheduleLocked();
                } else {
                    scheduleLocked();
                    waiting = true;
                    try {
                        while (size >= MAX_PENDING && !loop.isShuttingDown()) {
                            wait(100);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
        if (drainNow) {
            run();
        }
    }

    /** Largest buffer into which one channel's frames of a batch are combined. */
    static final int MAX_COMBINED_BYTES = 256 * 1024;

    /** Messages that may wait for one loop before {@link #write} blocks its caller. */
    static final int MAX_PENDING = 1 << 16;
    private boolean waiting;
    /** A batch is being written (loop only): a write made from inside it does not start another. */
    private boolean running;

    /** Appends a message and makes sure a batch will run. */
    public void writeAndFlush(Sink sink, Object message) {
        synchronized (this) {
            append(sink, message);
            scheduleLocked();
        }
    }

    /** Makes sure what was appended is written by a batch. */
    public void flush() {
        synchronized (this) {
            if (size > 0) {
                scheduleLocked();
            }
        }
    }

    private void append(Sink sink, Object message) {
        if (size == sinks.length) {
            sinks = Arrays.copyOf(sinks, size * 2);
            messages = Arrays.copyOf(messages, size * 2);
        }
        sinks[size] = sink;
        messages[size] = message;
        size++;
    }

    private void scheduleLocked() {
        if (scheduled) {
            return;
        }
        scheduled = true;
        long wait = lastBatch + writeDelayNanos - System.nanoTime();
        if (wait <= 0) {
            loop.execute(this);
        } else {
            loop.schedule(this, wait, TimeUnit.NANOSECONDS);
        }
    }

    /** One batch (event loop only). */
    @Override
    public void run() {
        running = true;
        try {
            runBatch();
        } finally {
            running = false;
        }
    }

    private void runBatch() {
        int n;
        Sink[] s;
        Object[] m;
        synchronized (this) {
            n = size;
            s = sinks;
            m = messages;
            if (drainSinks.length < s.length) {
                drainSinks = new Sink[s.length];
                drainMessages = new Object[s.length];
            }
            sinks = drainSinks;
            messages = drainMessages;
            drainSinks = s;
            drainMessages = m;
            size = 0;
            scheduled = false;
            lastBatch = System.nanoTime();
            if (waiting) {
                waiting = false;
                notifyAll();
            }
        }
        // Pass 1: which channels this batch touches, and how many frame bytes each gets.
        for (int i = 0; i < n; i++) {
            Sink sink = s[i];
            if (!sink.flushPending) {
                sink.flushPending = true;
                sink.mixed = false;
                sink.frames = 0;
                sink.bytes = 0;
                touched.add(sink);
            }
            if (m[i] instanceof SharedFrame f && sink.bytes + f.frame().length <= MAX_COMBINED_BYTES) {
                sink.frames++;
                sink.bytes += f.frame().length;
            } else {
                // Other messages keep their order; large frames gain nothing from being combined.
                sink.mixed = true;
            }
        }
        // Pass 2: a channel that gets several shared frames (and nothing else) gets them in one
        // buffer, one write; otherwise each message is written as it is, in order.
        for (int i = 0; i < n; i++) {
            Sink sink = s[i];
            Object msg = m[i];
            s[i] = null;
            m[i] = null;
            if (!sink.mixed && sink.frames > 1) {
                if (sink.buf == null) {
                    sink.buf = PooledByteBufAllocator.DEFAULT.directBuffer(sink.bytes, sink.bytes);
                }
                sink.buf.writeBytes(((SharedFrame) msg).frame());
                continue;
            }
            if (msg instanceof SharedFrame f) {
                msg = frameFor(f);
            }
            writeTo(sink, msg);
        }
        int flushed = touched.size();
        for (int i = 0; i < flushed; i++) {
            Sink sink = touched.get(i);
            if (sink.buf != null) {
                ByteBuf b = sink.buf;
                sink.buf = null;
                writeTo(sink, b);
            }
            sink.flushPending = false;
            sink.flushOnLoop();
        }
        touched.clear();
        batchCount = batchCount + 1;
        messageCount = messageCount + n;
        flushCount = flushCount + flushed;
        for (ByteBuf b : direct.values()) {
            b.release();
        }
        direct.clear();
        lastFrame = null;
        lastBuf = null;
    }

    private static void writeTo(Sink sink, Object msg) {
        try {
            sink.writeOnLoop(msg);
        } catch (RuntimeException e) {
            ReferenceCountUtil.safeRelease(msg);
        }
    }

    /** Batches run so far. */
    public long batches() {
        return batchCount;
    }

    /** Messages written so far. */
    public long messages() {
        return messageCount;
    }

    /** Channel flushes so far (about one write system call each): messages per flush is the batching achieved. */
    public long flushes() {
        return flushCount;
    }

    /** A duplicate (own indexes, shared memory) of this batch's direct copy of {@code f}. */
    private ByteBuf frameFor(SharedFrame f) {
        if (f != lastFrame) {
            ByteBuf b = direct.get(f);
            if (b == null) {
                byte[] bytes = f.frame();
                b = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length, bytes.length).writeBytes(bytes);
                direct.put(f, b);
            }
            lastFrame = f;
            lastBuf = b;
        }
        return lastBuf.retainedDuplicate();
    }
}
