package io.pgrealtime.gateway.presence;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link ConnectionCounter} contract, with two nodes sharing one backend. */
abstract class ConnectionCounterContract extends ContractSupport {

    /** A node of this test's cluster; register what must be closed with {@link #closeLater}. */
    protected abstract ConnectionCounter newNode(String nodeId);

    @Test
    void acquiresUpToTheLimitThenRefuses() {
        ConnectionCounter a = newNode("node-a");
        assertThat(done(a.tryAcquire("u1", "c1", 2))).isTrue();
        assertThat(done(a.tryAcquire("u1", "c2", 2))).isTrue();
        assertThat(done(a.tryAcquire("u1", "c3", 2))).isFalse();
        assertThat(done(a.count("u1"))).isEqualTo(2L);
        done(a.release("u1", "c1"));
        assertThat(done(a.count("u1"))).isEqualTo(1L);
        assertThat(done(a.tryAcquire("u1", "c3", 2))).isTrue();
        assertThat(done(a.tryAcquire("u1", "c4", 2))).isFalse();
    }

    @Test
    void theLimitSpansNodes() {
        ConnectionCounter a = newNode("node-a");
        ConnectionCounter b = newNode("node-b");
        assertThat(done(a.tryAcquire("u1", "a1", 3))).isTrue();
        assertThat(done(a.tryAcquire("u1", "a2", 3))).isTrue();
        assertThat(done(b.tryAcquire("u1", "b1", 3))).isTrue();
        assertThat(done(b.tryAcquire("u1", "b2", 3))).isFalse();
        assertThat(done(a.tryAcquire("u1", "a3", 3))).isFalse();
        assertThat(done(b.count("u1"))).isEqualTo(3L);
        done(a.release("u1", "a1"));
        assertThat(done(b.tryAcquire("u1", "b2", 3))).isTrue();
    }

    @Test
    void acquireAndReleaseAreIdempotent() {
        ConnectionCounter a = newNode("node-a");
        assertThat(done(a.tryAcquire("u1", "c1", 2))).isTrue();
        assertThat(done(a.tryAcquire("u1", "c1", 2))).isTrue();
        assertThat(done(a.count("u1"))).isEqualTo(1L);
        assertThat(done(a.tryAcquire("u1", "c2", 2))).isTrue();
        // Counted connections are acknowledged again even at the limit.
        assertThat(done(a.tryAcquire("u1", "c2", 2))).isTrue();
        done(a.release("u1", "c1"));
        done(a.release("u1", "c1"));
        done(a.release("u1", "never"));
        assertThat(done(a.count("u1"))).isEqualTo(1L);
        // A refused connection's release does not free another connection's slot.
        assertThat(done(a.tryAcquire("u1", "c3", 1))).isFalse();
        done(a.release("u1", "c3"));
        assertThat(done(a.count("u1"))).isEqualTo(1L);
    }

    @Test
    void concurrentAcquiresOnTwoNodesNeverExceedTheLimit() throws Exception {
        ConnectionCounter a = newNode("node-a");
        ConnectionCounter b = newNode("node-b");
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (ConnectionCounter node : List.of(a, b)) {
            for (int t = 0; t < 8; t++) {
                String conn = node + "-" + t;
                threads.add(new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 5; i++) {
                        if (done(node.tryAcquire("hot", conn + "-" + i, 7))) {
                            granted.incrementAndGet();
                        }
                    }
                }));
            }
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(granted.get()).isEqualTo(7);
        assertThat(done(a.count("hot"))).isEqualTo(7L);
    }

    @Test
    void usersAreCountedSeparately() {
        ConnectionCounter a = newNode("node-a");
        assertThat(done(a.tryAcquire("u1", "c1", 1))).isTrue();
        assertThat(done(a.tryAcquire("u2", "c2", 1))).isTrue();
        assertThat(done(a.tryAcquire("u1:x", "c3", 1))).isTrue();
        assertThat(done(a.tryAcquire("u1", "c4", 1))).isFalse();
        assertThat(done(a.count("u2"))).isEqualTo(1L);
        assertThat(done(a.count("nobody"))).isZero();
        assertThat(done(a.tryAcquire("u3", "c5", 0))).isFalse();
        assertThat(done(a.count("u3"))).isZero();
    }

    @Test
    void closingANodeReleasesItsConnectionsOnly() {
        ConnectionCounter a = newNode("node-a");
        ConnectionCounter b = newNode("node-b");
        done(a.tryAcquire("u1", "a1", 10));
        done(a.tryAcquire("u1", "a2", 10));
        done(a.tryAcquire("u2", "a3", 10));
        done(b.tryAcquire("u1", "b1", 10));
        a.close();
        a.close();
        assertThat(done(b.count("u1"))).isEqualTo(1L);
        assertThat(done(b.count("u2"))).isZero();
        assertThatThrownBy(() -> done(a.tryAcquire("u1", "a4", 10))).hasRootCauseInstanceOf(IllegalStateException.class);
    }
}
