package io.pgrealtime.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.pgrealtime.gateway.session.SharedFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LoopWriterTest {
    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** Records what the loop writes and flushes, in order. */
    private static final class Recorder extends LoopWriter.Sink {
        final List<String> log = new ArrayList<>();
        final List<ByteBuf> buffers = new ArrayList<>();
        final String name;
        final EventLoop loop;

        Recorder(String name, EventLoop loop) {
            this.name = name;
            this.loop = loop;
        }

        @Override
        protected void writeOnLoop(Object message) {
            assertThat(loop.inEventLoop()).isTrue();
            if (message instanceof ByteBuf b) {
                buffers.add(b);
                log.add(name + ":frame");
            } else {
                log.add(name + ":" + message);
            }
        }

        @Override
        protected void flushOnLoop() {
            log.add(name + ":flush");
        }
    }

    private void sync() throws Exception {
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    @Test
    void writesWaitForAFlushThenGoInOrderWithOneFlushPerChannel() throws Exception {
        LoopWriter w = new LoopWriter(loop, 0);
        Recorder a = new Recorder("a", loop);
        Recorder b = new Recorder("b", loop);
        w.write(a, "1");
        w.write(b, "1");
        w.write(a, "2");
        sync();
        assertThat(a.log).as("nothing runs before a flush").isEmpty();
        w.flush();
        sync();
        assertThat(a.log).containsExactly("a:1", "a:2", "a:flush");
        assertThat(b.log).containsExactly("b:1", "b:flush");
        assertThat(w.batches()).isEqualTo(1);
        assertThat(w.messages()).isEqualTo(3);
        assertThat(w.flushes()).isEqualTo(2);

        w.writeAndFlush(a, "3");
        sync();
        assertThat(a.log).containsExactly("a:1", "a:2", "a:flush", "a:3", "a:flush");
        assertThat(w.batches()).isEqualTo(2);
    }

    @Test
    void aSharedFrameIsCopiedOncePerBatchAndFreedWhenEveryConnectionReleasedIt() throws Exception {
        LoopWriter w = new LoopWriter(loop, 0);
        SharedFrame frame = new SharedFrame("{\"type\":\"change\"}".getBytes(StandardCharsets.UTF_8));
        List<Recorder> sinks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Recorder r = new Recorder("c" + i, loop);
            sinks.add(r);
            w.write(r, frame);
        }
        w.flush();
        sync();
        List<ByteBuf> written = new ArrayList<>();
        sinks.forEach(r -> written.addAll(r.buffers));
        assertThat(written).hasSize(3);
        ByteBuf first = written.get(0);
        for (ByteBuf b : written) {
            assertThat(b.isDirect()).isTrue();
            assertThat(b.unwrap()).as("duplicates of one copy").isSameAs(first.unwrap());
            byte[] bytes = new byte[b.readableBytes()];
            b.getBytes(b.readerIndex(), bytes);
            assertThat(bytes).isEqualTo(frame.frame());
        }
        // The writer dropped its own reference after the batch: the channels' duplicates hold the rest.
        ByteBuf copy = first.unwrap();
        assertThat(copy.refCnt()).isEqualTo(3);
        loop.submit(() -> written.forEach(ByteBuf::release)).get(5, TimeUnit.SECONDS);
        assertThat(copy.refCnt()).isZero();
    }

    @Test
    void severalFramesForOneChannelGoOutAsOneBufferAndMixedMessagesKeepTheirOrder() throws Exception {
        LoopWriter w = new LoopWriter(loop, 0);
        SharedFrame f1 = new SharedFrame("{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        SharedFrame f2 = new SharedFrame("{\"n\":2}".getBytes(StandardCharsets.UTF_8));
        Recorder many = new Recorder("many", loop);
        Recorder mixed = new Recorder("mixed", loop);
        w.write(many, f1);
        w.write(mixed, f1);
        w.write(mixed, "plain");
        w.write(many, f2);
        w.write(mixed, f2);
        w.flush();
        sync();
        assertThat(many.log).containsExactly("many:frame", "many:flush");
        ByteBuf b = many.buffers.get(0);
        byte[] got = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), got);
        byte[] expected = new byte[f1.frame().length + f2.frame().length];
        System.arraycopy(f1.frame(), 0, expected, 0, f1.frame().length);
        System.arraycopy(f2.frame(), 0, expected, f1.frame().length, f2.frame().length);
        assertThat(got).as("both frames, in order, in one buffer").isEqualTo(expected);
        assertThat(mixed.log).containsExactly("mixed:frame", "mixed:plain", "mixed:frame", "mixed:flush");
        assertThat(w.messages()).isEqualTo(5);
        assertThat(w.flushes()).isEqualTo(2);
        loop.submit(() -> {
            many.buffers.forEach(ByteBuf::release);
            mixed.buffers.forEach(ByteBuf::release);
        }).get(5, TimeUnit.SECONDS);
        assertThat(b.refCnt()).isZero();
    }

    @Test
    void framesTooLargeToCombineAreWrittenOneByOne() throws Exception {
        LoopWriter w = new LoopWriter(loop, 0);
        byte[] big = new byte[LoopWriter.MAX_COMBINED_BYTES / 2 + 1];
        java.util.Arrays.fill(big, (byte) 'x');
        Recorder r = new Recorder("big", loop);
        w.write(r, new SharedFrame(big));
        w.write(r, new SharedFrame(big));
        w.flush();
        sync();
        assertThat(r.log).containsExactly("big:frame", "big:frame", "big:flush");
        assertThat(r.buffers.get(0).readableBytes()).isEqualTo(new SharedFrame(big).frame().length);
        loop.submit(() -> r.buffers.forEach(ByteBuf::release)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aWriteDelayKeepsBatchesApartAndCollectsWhatArrivesMeanwhile() throws Exception {
        long delayMs = 200;
        LoopWriter w = new LoopWriter(loop, TimeUnit.MILLISECONDS.toNanos(delayMs));
        CountDownLatch firstBatch = new CountDownLatch(1);
        List<Long> flushedAt = new ArrayList<>();
        LoopWriter.Sink s = new LoopWriter.Sink() {
            final List<Object> got = new ArrayList<>();

            @Override
            protected void writeOnLoop(Object message) {
                got.add(message);
            }

            @Override
            protected void flushOnLoop() {
                flushedAt.add(System.nanoTime());
                firstBatch.countDown();
            }
        };
        w.writeAndFlush(s, "1");
        assertThat(firstBatch.await(5, TimeUnit.SECONDS)).isTrue();
        w.writeAndFlush(s, "2");
        w.writeAndFlush(s, "3");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (w.messages() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        sync();
        assertThat(w.messages()).isEqualTo(3);
        assertThat(w.batches()).as("2 and 3 share the second batch").isEqualTo(2);
        assertThat(flushedAt).hasSize(2);
        assertThat(flushedAt.get(1) - flushedAt.get(0)).as("second batch waited for the delay")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(delayMs) - TimeUnit.MILLISECONDS.toNanos(5));
    }

    @Test
    void theFanOutWaitsWhenTheLoopIsTooFarBehindInsteadOfQueueingWithoutBound() throws Exception {
        LoopWriter w = new LoopWriter(loop, 0);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        LoopWriter.Sink counting = new LoopWriter.Sink() {
            @Override
            protected void writeOnLoop(Object message) {
            }

            @Override
            protected void flushOnLoop() {
            }
        };
        java.util.concurrent.atomic.AtomicInteger appended = new java.util.concurrent.atomic.AtomicInteger();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < LoopWriter.MAX_PENDING + 10; i++) {
                w.write(counting, "m");
                appended.incrementAndGet();
            }
            w.flush();
        });
        producer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (appended.get() < LoopWriter.MAX_PENDING - 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(200);
        assertThat(producer.isAlive()).as("blocked while the loop is busy").isTrue();
        assertThat(appended.get()).isEqualTo(LoopWriter.MAX_PENDING - 1);
        release.countDown();
        producer.join(10_000);
        assertThat(producer.isAlive()).isFalse();
        sync();
        assertThat(w.messages()).isEqualTo(LoopWriter.MAX_PENDING + 10);
    }

    /**
     * Only threads that are no event loop wait: the fan-out runs on the loops, and two loops that
     * write to each other's channels (Socket.IO after an upgrade) must never wait for each other.
     */
    @Test
    void anEventLoopNeverWaitsForAWriter() throws Exception {
        EventLoop other = new DefaultEventLoop();
        try {
            LoopWriter w = new LoopWriter(loop, 0);
            LoopWriter.Sink counting = new LoopWriter.Sink() {
                @Override
                protected void writeOnLoop(Object message) {
                }

                @Override
                protected void flushOnLoop() {
                }
            };
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(() -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // Another loop writes past the limit while this loop is busy: it goes on.
            other.submit(() -> {
                for (int i = 0; i < LoopWriter.MAX_PENDING + 10; i++) {
                    w.write(counting, "m");
                }
            }).get(5, TimeUnit.SECONDS);
            release.countDown();
            sync();
            assertThat(w.messages()).isEqualTo(LoopWriter.MAX_PENDING + 10);
            // The writer's own loop writes what is over the limit at once, within its task.
            long written = loop.submit(() -> {
                for (int i = 0; i < LoopWriter.MAX_PENDING + 10; i++) {
                    w.write(counting, "m");
                }
                return w.messages();
            }).get(5, TimeUnit.SECONDS);
            assertThat(written).isEqualTo(2L * LoopWriter.MAX_PENDING + 10);
        } finally {
            other.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aSinkThatThrowsDoesNotStopTheBatch() throws Exception {
        LoopWriter w = new LoopWriter(loop, 0);
        Recorder ok = new Recorder("ok", loop);
        LoopWriter.Sink bad = new LoopWriter.Sink() {
            @Override
            protected void writeOnLoop(Object message) {
                throw new IllegalStateException("closed");
            }

            @Override
            protected void flushOnLoop() {
            }
        };
        w.write(bad, "x");
        w.write(ok, "y");
        w.flush();
        sync();
        assertThat(ok.log).containsExactly("ok:y", "ok:flush");
    }
}
