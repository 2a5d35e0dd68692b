package io.pgrealtime.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.pgrealtime.gateway.api.RealtimeServer;
import io.pgrealtime.gateway.config.GatewayConfig;
import io.pgrealtime.gateway.transport.socketio.SocketIoServer;
import jakarta.annotation.PreDestroy;

/** The node's {@link Gateway}, started with the application context and closed with it. */
@Context
public class GatewayService {
    private final Gateway gateway;
    private final RealtimeServer api;
    private final SocketIoServer socketIo;

    public GatewayService(GatewayConfig config, MeterRegistry registry) {
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

    @PreDestroy
    void stop() {
        gateway.close();
    }
}
