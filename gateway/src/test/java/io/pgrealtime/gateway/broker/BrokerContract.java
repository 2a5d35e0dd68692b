package io.pgrealtime.gateway.broker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The {@link Broker} contract: every implementation runs these bodies. Nodes made by
 * {@link #newBroker} within one test share one backbone (one Redis, one memory hub), so the
 * cross-node tests run against both. Negative checks ("was not delivered") publish a marker after
 * the message in question and rely on per-node ordering, instead of sleeping.
 */
abstract class BrokerContract {
    static final Duration WAIT = Duration.ofSeconds(10);

    private final List<Broker> brokers = new ArrayList<>();

    /** A node of this test's cluster. */
    protected abstract Broker createBroker(String nodeId, BrokerEventHandler handler);

    protected Broker newBroker(String nodeId, BrokerEventHandler handler) {
        Broker b = createBroker(nodeId, handler);
        brokers.add(b);
        return b;
    }

    @AfterEach
    void closeBrokers() {
        brokers.forEach(Broker::close);
    }

    static <T> T done(CompletableFuture<T> f) {
        return f.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    @Test
    void publishReachesEverySubscribedNodeOnceIncludingThePublisher() {
        RecordingBrokerHandler ha = new RecordingBrokerHandler();
        RecordingBrokerHandler hb = new RecordingBrokerHandler();
        Broker a = newBroker("node-a", ha);
        Broker b = newBroker("node-b", hb);
        done(a.subscribe("chat"));
        done(b.subscribe("chat"));

        assertThat(done(a.publish("chat", "hello"))).isEqualTo(2L);
        await().atMost(WAIT).until(() -> ha.messages.size() == 1 && hb.messages.size() == 1);
        done(a.publish("chat", "marker"));
        await().atMost(WAIT).until(() -> hb.received("chat", "marker") && ha.received("chat", "marker"));
        assertThat(ha.payloads("chat")).containsExactly("hello", "marker");
        assertThat(hb.payloads("chat")).containsExactly("hello", "marker");
    }

    @Test
    void messagesReachOnlyNodesSubscribedToTheirChannel() {
        RecordingBrokerHandler ha = new RecordingBrokerHandler();
        RecordingBrokerHandler hb = new RecordingBrokerHandler();
        Broker a = newBroker("node-a", ha);
        Broker b = newBroker("node-b", hb);
        done(a.subscribe("x"));
        done(b.subscribe("y"));

        assertThat(done(a.publish("y", "for-b"))).isEqualTo(1L);
        assertThat(done(b.publish("nobody", "lost"))).isZero();
        assertThat(done(b.publish("x", "for-a"))).isEqualTo(1L);
        await().atMost(WAIT).until(() -> ha.received("x", "for-a") && hb.received("y", "for-b"));
        done(a.publish("y", "marker"));
        await().atMost(WAIT).until(() -> hb.received("y", "marker"));
        assertThat(ha.messages).containsExactly(new RecordingBrokerHandler.Message("x", "for-a"));
        assertThat(hb.payloads("y")).containsExactly("for-b", "marker");
        assertThat(hb.messages).hasSize(2);
    }

    @Test
    void subscriptionsAreReferenceCounted() {
        RecordingBrokerHandler ha = new RecordingBrokerHandler();
        RecordingBrokerHandler hb = new RecordingBrokerHandler();
        Broker a = newBroker("node-a", ha);
        Broker b = newBroker("node-b", hb);
        done(a.subscribe("markers"));
        done(b.subscribe("markers"));
        done(b.subscribe("room"));
        done(b.subscribe("room"));
        assertThat(b.subscriptions()).containsExactlyInAnyOrder("markers", "room");

        done(b.unsubscribe("room"));
        assertThat(b.subscriptions()).contains("room");
        done(a.publish("room", "one"));
        await().atMost(WAIT).until(() -> hb.received("room", "one"));

        done(b.unsubscribe("room"));
        done(b.unsubscribe("room"));
        assertThat(b.subscriptions()).containsExactly("markers");
        assertThat(done(a.publish("room", "two"))).isZero();
        done(a.publish("markers", "m1"));
        await().atMost(WAIT).until(() -> hb.received("markers", "m1"));
        assertThat(hb.payloads("room")).containsExactly("one");

        done(b.subscribe("room"));
        done(a.publish("room", "three"));
        await().atMost(WAIT).until(() -> hb.received("room", "three"));
        assertThat(hb.payloads("room")).containsExactly("one", "three");
    }

    @Test
    void onePublishersMessagesArriveInOrder() {
        RecordingBrokerHandler hb = new RecordingBrokerHandler();
        Broker a = newBroker("node-a", new RecordingBrokerHandler());
        Broker b = newBroker("node-b", hb);
        done(b.subscribe("seq"));
        List<String> sent = IntStream.range(0, 1_000).mapToObj(Integer::toString).collect(Collectors.toList());
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        sent.forEach(s -> acks.add(a.publish("seq", s)));
        acks.forEach(BrokerContract::done);
        await().atMost(WAIT).until(() -> hb.messages.size() == sent.size());
        assertThat(hb.payloads("seq")).isEqualTo(sent);
    }

    @Test
    void everyNodeSeesConcurrentPublishersInTheSameOrder() throws Exception {
        RecordingBrokerHandler ha = new RecordingBrokerHandler();
        RecordingBrokerHandler hb = new RecordingBrokerHandler();
        Broker a = newBroker("node-a", ha);
        Broker b = newBroker("node-b", hb);
        done(a.subscribe("race"));
        done(b.subscribe("race"));
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (Broker publisher : List.of(a, b)) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 300; i++) {
                    publisher.publish("race", publisher.nodeId() + ":" + i);
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        await().atMost(WAIT).until(() -> ha.messages.size() == 600 && hb.messages.size() == 600);
        assertThat(ha.payloads("race")).isEqualTo(hb.payloads("race"));
        for (String node : List.of("node-a", "node-b")) {
            List<String> own = ha.payloads("race").stream().filter(p -> p.startsWith(node + ":")).collect(Collectors.toList());
            assertThat(own).isEqualTo(IntStream.range(0, 300).mapToObj(i -> node + ":" + i).collect(Collectors.toList()));
        }
    }

    @Test
    void nodeMessagesReachOnlyTheAddressedNode() {
        RecordingBrokerHandler ha = new RecordingBrokerHandler();
        RecordingBrokerHandler hb = new RecordingBrokerHandler();
        Broker a = newBroker("node-a", ha);
        newBroker("node-b", hb);
        done(a.subscribe("node-b"));

        assertThat(done(a.publishToNode("node-b", "direct-1"))).isEqualTo(1L);
        assertThat(done(a.publishToNode("node-a", "to-self"))).isEqualTo(1L);
        assertThat(done(a.publishToNode("node-z", "nowhere"))).isZero();
        await().atMost(WAIT).until(() -> hb.nodeMessages.size() == 1 && ha.nodeMessages.size() == 1);
        assertThat(hb.nodeMessages).containsExactly("direct-1");
        assertThat(ha.nodeMessages).containsExactly("to-self");
        // A node message never shows up as a channel message, even on a channel named like the node.
        assertThat(ha.messages).isEmpty();
        assertThat(hb.messages).isEmpty();
    }

    @Test
    void payloadsAndChannelNamesArePassedVerbatim() {
        RecordingBrokerHandler hb = new RecordingBrokerHandler();
        Broker a = newBroker("node-a", new RecordingBrokerHandler());
        Broker b = newBroker("node-b", hb);
        List<String> channels = List.of("room:lobby", "glob*?[x]", "ünïcödé-😀", "a b");
        List<String> payloads = List.of("", "{\"json\":[1,2.50,null]}", "emoji 😀 and \u0000 nul", "x".repeat(200_000));
        channels.forEach(c -> done(b.subscribe(c)));
        for (String c : channels) {
            payloads.forEach(p -> a.publish(c, p));
        }
        await().atMost(WAIT).until(() -> hb.messages.size() == channels.size() * payloads.size());
        for (String c : channels) {
            assertThat(hb.payloads(c)).isEqualTo(payloads);
        }
        // Channel names are literal, never patterns.
        done(b.subscribe("glob-literal"));
        assertThat(done(a.publish("globX?[x]", "not-a-match"))).isZero();
    }

    @Test
    void aFailingHandlerDoesNotStopLaterDeliveries() {
        List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        Broker b = newBroker("node-b", (channel, payload) -> {
            got.add(payload);
            if (payload.equals("boom")) {
                throw new IllegalStateException("handler failure");
            }
        });
        done(b.subscribe("c"));
        b.publish("c", "boom");
        b.publish("c", "after");
        await().atMost(WAIT).until(() -> got.size() == 2);
        assertThat(got).containsExactly("boom", "after");
    }

    @Test
    void aHandlerMayPublishFromItsCallback() {
        RecordingBrokerHandler hb = new RecordingBrokerHandler();
        Broker[] self = new Broker[1];
        Broker a = newBroker("node-a", (channel, payload) -> self[0].publish("echo", "echo:" + payload));
        self[0] = a;
        Broker b = newBroker("node-b", hb);
        done(a.subscribe("ping"));
        done(b.subscribe("echo"));
        b.publish("ping", "1");
        await().atMost(WAIT).until(() -> hb.received("echo", "echo:1"));
    }

    @Test
    void aClosedBrokerReceivesNothingAndRefusesToPublish() {
        RecordingBrokerHandler ha = new RecordingBrokerHandler();
        RecordingBrokerHandler hb = new RecordingBrokerHandler();
        Broker a = newBroker("node-a", ha);
        Broker b = newBroker("node-b", hb);
        done(a.subscribe("c"));
        done(b.subscribe("c"));
        a.close();
        a.close();
        assertThatThrownBy(() -> done(a.publish("c", "x"))).hasRootCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> done(a.subscribe("d"))).hasRootCauseInstanceOf(IllegalStateException.class);
        assertThat(done(b.publish("c", "after-close"))).isEqualTo(1L);
        assertThat(done(b.publishToNode("node-a", "gone"))).isZero();
        await().atMost(WAIT).until(() -> hb.received("c", "after-close"));
        assertThat(ha.messages).isEmpty();
    }
}
