package io.pgrealtime.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The gateway's meters: connections, subscriptions, deliveries, delivery latency (commit to
 * write), slow consumers dropped, stream read lag, protocol errors. Thread-safe.
 */
public final class GatewayMetrics {
    private final AtomicLong connections = new AtomicLong();
    private final Counter deliveries;
    private final Counter slowConsumers;
    private final Counter errors;
    private final Timer deliveryLatency;

    public GatewayMetrics(MeterRegistry registry, Supplier<Number> subscriptions, Supplier<Number> streamLagMillis) {
        Gauge.builder("gateway.connections", connections, AtomicLong::get)
                .description("authenticated client connections, both transports (raw: after the token; Socket.IO: after CONNECT)")
                .register(registry);
        Gauge.builder("gateway.subscriptions", subscriptions).description("table subscriptions on this node")
                .register(registry);
        Gauge.builder("gateway.stream.lag.ms", streamLagMillis)
                .description("now minus the commit time of the last change read from Redis").register(registry);
        deliveries = Counter.builder("gateway.deliveries").description("change events written to clients").register(registry);
        slowConsumers = Counter.builder("gateway.slow.consumers").description("connections dropped with SLOW_CONSUMER")
                .register(registry);
        errors = Counter.builder("gateway.protocol.errors").description("error messages sent to clients").register(registry);
        deliveryLatency = Timer.builder("gateway.delivery.latency").description("commit time to write, per event and event loop")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /**
     * Counters of the event loops' batched writes: messages written and channel flushes (about one
     * system call each); their ratio is how many messages share a system call.
     */
    public void writes(MeterRegistry registry, Supplier<long[]> totals) {
        io.micrometer.core.instrument.FunctionCounter.builder("gateway.write.messages", totals, t -> t.get()[1])
                .description("messages written by the event loops' batch writers").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("gateway.write.flushes", totals, t -> t.get()[2])
                .description("connection flushes by the batch writers (about one write system call each)")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("gateway.write.batches", totals, t -> t.get()[0])
                .description("batches run by the event loops' writers").register(registry);
    }

    public void connected() {
        connections.incrementAndGet();
    }

    public void disconnected() {
        connections.decrementAndGet();
    }

    public long connections() {
        return connections.get();
    }

    /**
     * One event delivered by one event loop to {@code n} of its subscriptions (each loop delivers
     * to its own connections, so an event counts once per loop that had a match).
     */
    public void delivered(int n, long commitMicros) {
        if (n > 0) {
            deliveries.increment(n);
            long micros = System.currentTimeMillis() * 1000 - commitMicros;
            deliveryLatency.record(Duration.ofNanos(Math.max(0, micros) * 1000));
        }
    }

    public void slowConsumer() {
        slowConsumers.increment();
    }

    public void error() {
        errors.increment();
    }

    public double slowConsumers() {
        return slowConsumers.count();
    }

    public double deliveries() {
        return deliveries.count();
    }
}
