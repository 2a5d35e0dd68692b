package io.pgrealtime.gateway.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.gateway.session.Outbound;
import io.pgrealtime.gateway.session.SharedFrame;
import io.pgrealtime.gateway.subscription.TableShards;
import io.pgrealtime.gateway.subscription.TableSubscription;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.ChangeEventJson;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.Operation;
import io.pgrealtime.protocol.StreamId;
import io.pgrealtime.protocol.filter.FilterParser;
import io.pgrealtime.protocol.filter.TableSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The per-loop fan-out with real Netty event loops: order, once per subscription, isolation, back-pressure. */
class LoopFanoutTest {
    private static final TableSchema SCHEMA = TableSchema.builder().column("id", "int4").column("owner", "text")
            .primaryKey("id").build();

    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(2);
    private final EventLoop a = group.next();
    private final EventLoop b = group.next();
    private final TableShards shards = new TableShards();
    /** Per loop thread: deliveries made on it so far, and that count at each flush. */
    private final Map<Thread, AtomicInteger> deliveredOn = new ConcurrentHashMap<>();
    private final Map<Thread, List<Integer>> flushedAt = new ConcurrentHashMap<>();
    private final AtomicInteger reported = new AtomicInteger();
    private final LoopFanout fanout = new LoopFanout(t -> t.equals("public.t") ? shards : null, 100,
            (n, commit) -> reported.addAndGet(n),
            () -> flushedAt.computeIfAbsent(Thread.currentThread(), t -> new CopyOnWriteArrayList<>())
                    .add(deliveredOn.computeIfAbsent(Thread.currentThread(), t -> new AtomicInteger()).get()));

    @AfterEach
    void stop() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** A connection on one loop that records the ids it got, and on which thread. */
    private final class Conn implements Outbound {
        final EventLoop loop;
        final List<Integer> ids = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate;

        Conn(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public java.util.concurrent.Executor loop() {
            return loop;
        }

        @Override
        public boolean write(SharedFrame message) {
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            JsonNode m;
            try {
                m = Json.mapper().readTree(message.bytes());
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            ids.add(m.path("payload").path("record").path("id").asInt());
            threads.add(Thread.currentThread());
            deliveredOn.computeIfAbsent(Thread.currentThread(), t -> new AtomicInteger()).incrementAndGet();
            return true;
        }

        @Override
        public boolean send(byte[] json) {
            throw new AssertionError("the fan-out defers its writes");
        }

        @Override
        public void close(int status, String reason, byte[] lastMessage) {
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    private Conn subscribe(EventLoop loop, String filter) {
        Conn c = new Conn(loop);
        ClientSession s = new ClientSession("c", Principal.ANONYMOUS, c, "test",
                io.pgrealtime.gateway.transport.websocket.RawWire.INSTANCE);
        shards.add(new TableSubscription(s, "table:public.t", "public.t",
                filter == null ? null : FilterParser.parse(filter).compile(SCHEMA), false, List.of("id"), false));
        return c;
    }

    private static byte[] insert(int id) {
        ChangeEvent e = new ChangeEvent("1-" + id, 1, 1, Instant.now(), "public", "t", Operation.INSERT,
                List.of("id"), Json.object().put("id", id).put("owner", id % 2 == 0 ? "even" : "odd"), null, List.of());
        return ChangeEventJson.encode(e);
    }

    /** Feeds ids [from, to) as the stream reader would, {@code perBatch} entries per Redis read. */
    private void feed(int from, int to, int perBatch) {
        for (int id = from; id < to; id++) {
            fanout.onChange("public.t", StreamId.parse("1-" + id), insert(id));
            if ((id - from + 1) % perBatch == 0 || id == to - 1) {
                fanout.batchEnd();
            }
        }
    }

    @Test
    void eachConnectionGetsEachMatchingEventOnceInStreamOrderOnItsOwnLoopAndTheLoopFlushesAfterIt() {
        List<Conn> all = List.of(subscribe(a, null), subscribe(b, null), subscribe(a, "{\"owner\":\"even\"}"),
                subscribe(b, "{\"owner\":\"odd\"}"), subscribe(b, "{\"id\":7}"));
        fanout.onChange("public.other", StreamId.parse("1-0"), insert(0));
        feed(1, 1001, 37);
        List<Integer> every = IntStream.range(1, 1001).boxed().toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> all.get(0).ids.size() == 1000 && all.get(1).ids.size() == 1000
                && all.get(2).ids.size() == 500 && all.get(3).ids.size() == 500 && all.get(4).ids.size() == 1);
        assertThat(all.get(0).ids).isEqualTo(every);
        assertThat(all.get(1).ids).isEqualTo(every);
        assertThat(all.get(2).ids).isEqualTo(every.stream().filter(i -> i % 2 == 0).toList());
        assertThat(all.get(3).ids).isEqualTo(every.stream().filter(i -> i % 2 == 1).toList());
        assertThat(all.get(4).ids).containsExactly(7);
        for (Conn c : all) {
            assertThat(c.threads).allMatch(t -> c.loop.inEventLoop(t));
        }
        assertThat(reported.get()).isEqualTo(1000 + 1000 + 500 + 500 + 1);
        // The last flush of each loop came after everything that loop delivered.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(flushedAt).hasSize(2);
            for (Map.Entry<Thread, List<Integer>> e : flushedAt.entrySet()) {
                assertThat(e.getValue().get(e.getValue().size() - 1)).isEqualTo(deliveredOn.get(e.getKey()).get());
            }
        });
    }

    @Test
    void aStalledLoopDelaysOnlyItsOwnConnections() throws Exception {
        Conn stalled = subscribe(a, null);
        Conn neighbour = subscribe(a, null);
        Conn other = subscribe(b, null);
        stalled.gate = new CountDownLatch(1);
        feed(1, 201, 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> other.ids.size() == 200);
        assertThat(stalled.ids).isEmpty();
        assertThat(neighbour.ids).as("shares the stalled loop").isEmpty();
        stalled.gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> stalled.ids.size() == 200 && neighbour.ids.size() == 200);
        List<Integer> every = IntStream.range(1, 201).boxed().toList();
        assertThat(stalled.ids).isEqualTo(every);
        assertThat(neighbour.ids).isEqualTo(every);
        assertThat(other.ids).isEqualTo(every);
    }

    @Test
    void theReaderWaitsForALoopThatIsTooFarBehindInsteadOfQueueingWithoutBound() throws Exception {
        Conn stalled = subscribe(a, null);
        Conn other = subscribe(b, null);
        stalled.gate = new CountDownLatch(1);
        int total = LoopFanout.CAPACITY * 3;
        AtomicInteger fed = new AtomicInteger();
        Thread reader = new Thread(() -> {
            for (int id = 1; id <= total; id++) {
                fanout.onChange("public.t", StreamId.parse("1-" + id), insert(id));
                fed.set(id);
                if (id % 50 == 0) {
                    fanout.batchEnd();
                }
            }
            fanout.batchEnd();
        });
        reader.start();
        Thread.sleep(500);
        assertThat(reader.isAlive()).as("waits for the stalled loop").isTrue();
        assertThat(fed.get()).isLessThanOrEqualTo(LoopFanout.CAPACITY + LoopFanout.CHUNK).isLessThan(total);
        stalled.gate.countDown();
        reader.join(10_000);
        assertThat(reader.isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> stalled.ids.size() == total && other.ids.size() == total);
        assertThat(stalled.ids).isEqualTo(IntStream.rangeClosed(1, total).boxed().toList());
        assertThat(other.ids).isEqualTo(stalled.ids);
    }

    @Test
    void connectionsWithoutAnEventLoopAreDeliveredOnTheCallingThread() {
        io.pgrealtime.gateway.session.RecordingOutbound r = new io.pgrealtime.gateway.session.RecordingOutbound();
        ClientSession s = new ClientSession("c", Principal.ANONYMOUS, r, "test",
                io.pgrealtime.gateway.transport.websocket.RawWire.INSTANCE);
        TableSubscription sub = new TableSubscription(s, "table:public.t", "public.t", null, false, List.of("id"), false);
        shards.add(sub);
        feed(1, 4, 10);
        // Delivered by the time onChange/batchEnd return: no loop involved.
        assertThat(r.sent).hasSize(3);
        assertThat(reported.get()).isEqualTo(3);
    }
}
