package io.pgrealtime.gateway;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Readiness of a gateway node ({@code /health/readiness}): the stream reader runs, Redis answers and
 * the node is not draining (after SIGTERM it is DOWN so the load balancer stops sending clients).
 */
@Singleton
public class GatewayHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final GatewayService service;

    public GatewayHealthIndicator(GatewayService service) {
        this.service = service;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        Gateway g = service.gateway();
        boolean reader = g.reader().isRunning();
        boolean redis;
        try {
            redis = g.reader().top(g.keys().control()) != null;
        } catch (RuntimeException e) {
            redis = false;
        }
        boolean draining = g.isDraining();
        healthStatus = reader && redis && !draining ? HealthStatus.UP : HealthStatus.DOWN;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("node", g.config().getNodeId());
        d.put("streamReader", reader);
        d.put("redis", redis);
        d.put("draining", draining);
        d.put("connections", g.metrics().connections());
        d.put("tables", g.registry().tables().size());
        return d;
    }

    @Override
    protected String getName() {
        return "gateway";
    }
}
