package io.pgrealtime.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.pgrealtime.gateway.config.GatewayConfig;
import jakarta.annotation.PreDestroy;

/** The node's {@link Gateway}, started with the application context and closed with it. */
@Context
public class GatewayService {
    private final Gateway gateway;

    public GatewayService(GatewayConfig config, MeterRegistry registry) {
        this.gateway = new Gateway(config, registry);
        this.gateway.start();
    }

    public Gateway gateway() {
        return gateway;
    }

    @PreDestroy
    void stop() {
        gateway.close();
    }
}
