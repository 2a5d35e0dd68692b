package io.pgrealtime.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.pgrealtime.relay.config.RelayConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/** Starts the relay replica with the application and stops it (releasing the lease) on shutdown. */
@Singleton
@Requires(property = RelayConfig.PREFIX + ".enabled", notEquals = "false")
public class RelayService {
    private final Relay relay;

    public RelayService(RelayConfig config, MeterRegistry registry) {
        this.relay = new Relay(config, registry);
    }

    @EventListener
    void onStartup(StartupEvent event) {
        relay.start();
    }

    public Relay relay() {
        return relay;
    }

    @PreDestroy
    void stop() {
        relay.close();
    }
}
