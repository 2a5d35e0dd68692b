package io.pgrealtime.relay;

import io.micronaut.runtime.Micronaut;

/** Entry point of the wal-relay process. */
public final class RelayApplication {
    private RelayApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(RelayApplication.class, args);
    }
}
