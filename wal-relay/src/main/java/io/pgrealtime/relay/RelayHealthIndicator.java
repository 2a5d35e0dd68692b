package io.pgrealtime.relay;

import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.pgrealtime.relay.replication.ReplicationStep;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * Readiness of the relay ({@code /health/readiness}): UP while it is the streaming leader or a
 * standby waiting for the lease; DOWN while a leader cannot stream (PostgreSQL or Redis unreachable,
 * setup problem, backing off after a failed session) and once its thread has failed.
 */
@Singleton
@Requires(beans = RelayService.class)
public class RelayHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final RelayService service;

    public RelayHealthIndicator(RelayService service) {
        this.service = service;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        Relay relay = service.relay();
        ReplicationStep step = relay.step();
        boolean healthy = !relay.isFailed() && (step == ReplicationStep.STREAMING
                || (step == ReplicationStep.STANDBY && !relay.isLeader() && relay.lastError() == null));
        healthStatus = healthy ? HealthStatus.UP : HealthStatus.DOWN;
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("leader", relay.isLeader());
        details.put("step", step.name());
        details.put("slotLagBytes", relay.metrics().slotLagBytes());
        if (relay.lastError() != null) {
            details.put("lastError", relay.lastError());
        }
        return details;
    }

    @Override
    protected String getName() {
        return "relay";
    }
}
