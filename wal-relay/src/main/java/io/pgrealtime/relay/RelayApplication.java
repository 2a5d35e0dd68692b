package io.pgrealtime.relay;

import io.pgrealtime.runtime.ProcessLauncher;

import java.time.Duration;
import java.util.Map;

/**
 * Entry point of the wal-relay process ({@code java -jar wal-relay-<version>.jar}): exits with
 * status 2 and one line naming the setting when a setting is wrong, and within 10 s of SIGTERM
 * (in-flight batch abandoned unconfirmed, lease released).
 */
public final class RelayApplication {
    private RelayApplication() {
    }

    public static void main(String[] args) throws InterruptedException {
        ProcessLauncher launcher = ProcessLauncher.of(RelayApplication.class, args, Map.of(), Duration.ofSeconds(10))
                .portVariable("RELAY_PORT");
        launcher.start();
        launcher.awaitStop();
    }
}
