package io.pgrealtime.runtime;

import java.time.Duration;

/**
 * A bean with work to finish before the application context is closed on SIGTERM: a gateway tells
 * its clients to go elsewhere, for instance. {@link ProcessLauncher} calls every drainable bean once,
 * in no particular order, before it closes the context.
 */
public interface Drainable {

    /**
     * Stops taking new work and finishes or hands off what is in progress, within {@code budget}.
     * Must return by then; must not throw.
     */
    void drain(Duration budget);
}
