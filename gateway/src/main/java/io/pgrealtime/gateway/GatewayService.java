package io.pgrealtime.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.pgrealtime.gateway.api.RealtimeServer;
import io.pgrealtime.gateway.config.GatewayConfig;
import io.pgrealtime.gateway.transport.socketio.SocketIoServer;
import io.pgrealtime.runtime.Drainable;
import io.pgrealtime.runtime.RedisWait;
import jakarta.annotation.PreDestroy;

import java.time.Duration;

/**
 * The node's {@link Gateway}, started with the application context and closed with it. Created
 * eagerly, so a setting the gateway cannot run with stops the process at start
 * ({@link GatewayConfig#validate()}). On SIGTERM the launcher {@linkplain #drain drains} it first:
 * readiness goes DOWN, new connections get 503, open ones are told to reconnect elsewhere.
 */
@Context
public class GatewayService implements Drainable {
    private final Gateway gateway;
    private final RealtimeServer api;
    private final SocketIoServer socketIo;

    public GatewayService(GatewayConfig config, MeterRegistry registry) {
        // Redis not there yet is transient: wait with backoff (the HTTP port opens once it answers).
        RedisWait.untilReachable(config.validate().redisUri(), "streams, presence and broadcast");
        this.gateway = new Gateway(config, registry);
        this.gateway.start();
        this.api = new RealtimeServer(gateway);
        this.socketIo = config.isSocketEnabled() ? new SocketIoServer(gateway, api) : null;
    }

    public Gateway gateway() {
        return gateway;
    }

    /** The server-side API of protocol.md §2 (also available as a bean). */
    public RealtimeServer api() {
        return api;
    }

    /** Null when Socket.IO is disabled. */
    public SocketIoServer socketIo() {
        return socketIo;
    }

    @Override
    public void drain(Duration budget) {
        gateway.drain(budget);
    }

    @PreDestroy
    void stop() {
        gateway.close();
    }
}
