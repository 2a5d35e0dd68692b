package io.pgrealtime.relay;

import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.annotation.Liveness;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * Liveness of the relay ({@code /health/liveness}): DOWN once the replica's thread has died, so an
 * orchestrator restarts a process that would otherwise idle without streaming (a launched process
 * also exits by itself then). PostgreSQL or Redis being unreachable is not a liveness failure:
 * the replica retries with backoff and says so in readiness.
 */
@Singleton
@Liveness
@Requires(beans = RelayService.class)
public class RelayLivenessIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final RelayService service;

    public RelayLivenessIndicator(RelayService service) {
        this.service = service;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        Relay relay = service.relay();
        boolean alive = relay.isAlive() && !relay.isFailed();
        healthStatus = alive ? HealthStatus.UP : HealthStatus.DOWN;
        return Map.of("thread", alive ? "running" : "stopped");
    }

    @Override
    protected String getName() {
        return "relayThread";
    }
}
