package io.pgrealtime.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.pgrealtime.relay.config.RelayConfig;
import io.pgrealtime.relay.replication.ReplicationSession;
import io.pgrealtime.runtime.ProcessLauncher;
import jakarta.annotation.PreDestroy;

/**
 * Starts the relay replica with the application and stops it (releasing the lease) on shutdown.
 * Created eagerly, so a setting the relay cannot run with stops the process at start
 * ({@link RelayConfig#validate()}). An error that kills the replica's thread ends a launched process
 * ({@link ProcessLauncher#fatal}).
 */
@Context
@Requires(property = RelayConfig.PREFIX + ".enabled", notEquals = "false")
public class RelayService {
    private final Relay relay;

    public RelayService(RelayConfig config, MeterRegistry registry) {
        this.relay = new Relay(config.validate(), registry, ReplicationSession::new, ProcessLauncher::fatal);
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
