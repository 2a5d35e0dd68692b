package io.pgrealtime.gateway;

import io.pgrealtime.runtime.ProcessLauncher;

import java.time.Duration;
import java.util.Map;

/**
 * Entry point of the gateway process ({@code java -jar gateway-<version>.jar}): exits with status 2
 * and one line naming the setting when a setting is wrong; on SIGTERM tells every client to
 * reconnect elsewhere, removes this node's presence and exits within 10 s, even with Redis gone.
 */
public final class GatewayApplication {
    private GatewayApplication() {
    }

    public static void main(String[] args) throws InterruptedException {
        ProcessLauncher launcher = ProcessLauncher.of(GatewayApplication.class, args, Map.of(), Duration.ofSeconds(10))
                .portVariable("PORT");
        launcher.start();
        launcher.awaitStop();
    }
}
