package io.pgrealtime.gateway.api;

import io.micronaut.context.annotation.Factory;
import io.pgrealtime.gateway.GatewayService;
import jakarta.inject.Singleton;

/** Makes {@link RealtimeServer} injectable, so extensions register handlers and validators as beans. */
@Factory
public class RealtimeServerFactory {
    @Singleton
    RealtimeServer realtimeServer(GatewayService service) {
        return service.api();
    }
}
