package io.pgrealtime.runtime;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.runtime.server.EmbeddedServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a Micronaut application as an operator's process: one line and a non-zero exit for a
 * setting it cannot start with, one shutdown hook that drains, closes the context and exits
 * within a deadline.
 *
 * <p>Contract:
 * <ul>
 *   <li>A {@link SettingException} anywhere in the startup failure's causes: logs
 *       {@code invalid setting: <message>} and exits with {@value #EXIT_SETTINGS}. Any other startup
 *       failure: logs {@code cannot start: <root cause>} and exits with {@value #EXIT_STARTUP}.</li>
 *   <li>SIGTERM (or SIGINT, or {@link System#exit}): calls every {@link Drainable} bean, closes the
 *       context, runs the {@code afterStop} actions in order, then lets the JVM end. If that takes
 *       longer than the stop deadline, the process halts with {@value #EXIT_STOP_TIMEOUT}.</li>
 *   <li>Only one shutdown hook is registered (Micronaut's own is not: we do not use
 *       {@code Micronaut.run}), so nothing can deadlock between two hooks.</li>
 * </ul>
 */
public final class ProcessLauncher {
    /** Exit status for a setting the process cannot start with. */
    public static final int EXIT_SETTINGS = 2;
    /** Exit status for any other failure to start. */
    public static final int EXIT_STARTUP = 1;
    /** Exit status when stopping took longer than the deadline. */
    public static final int EXIT_STOP_TIMEOUT = 3;
    /** Exit status after an unrecoverable error at run time (see {@link #fatal}). */
    public static final int EXIT_FATAL = 70;

    private static final Logger LOG = LoggerFactory.getLogger(ProcessLauncher.class);
    private static final AtomicBoolean LAUNCHED = new AtomicBoolean();

    private final Class<?> mainClass;
    private final String[] args;
    private final Map<String, Object> properties;
    private final Duration stopDeadline;
    private final Duration drainBudget;
    private final List<Runnable> afterStop = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile ApplicationContext context;
    /** Set once the context and server run; before that a stop does not touch the half-built context. */
    private volatile boolean started;

    private ProcessLauncher(Class<?> mainClass, String[] args, Map<String, Object> properties, Duration stopDeadline) {
        this.mainClass = mainClass;
        this.args = args;
        this.properties = properties;
        this.stopDeadline = stopDeadline;
        this.drainBudget = Duration.ofMillis(Math.min(3_000, stopDeadline.toMillis() / 3));
    }

    /**
     * @param mainClass    the application's main class (its package is scanned)
     * @param args         command line arguments
     * @param properties   properties that take precedence over the environment (the dev launcher's)
     * @param stopDeadline the time from SIGTERM to exit, at most
     */
    public static ProcessLauncher of(Class<?> mainClass, String[] args, Map<String, Object> properties, Duration stopDeadline) {
        return new ProcessLauncher(mainClass, args, properties, stopDeadline);
    }

    /**
     * Checks, before anything starts, that this environment variable (when set) is a port number,
     * so {@code PORT=80a} exits with a line naming {@code PORT} rather than a conversion error.
     */
    public ProcessLauncher portVariable(String name) {
        String v = System.getenv(name);
        if (v != null && !v.isBlank()) {
            try {
                Settings.port(v, name, true);
            } catch (SettingException e) {
                LOG.error("invalid setting: {}", e.getMessage());
                halt(EXIT_SETTINGS);
            }
        }
        return this;
    }

    /** Runs after the context is closed on shutdown, in the order added (e.g. stop embedded servers). */
    public ProcessLauncher afterStop(Runnable action) {
        afterStop.add(action);
        return this;
    }

    /** True in a process started by a launcher (false in tests that build contexts themselves). */
    public static boolean isLaunchedProcess() {
        return LAUNCHED.get();
    }

    /**
     * Starts the context and its HTTP server, or exits the process with one line saying why not.
     *
     * @return the running context
     */
    public ApplicationContext start() {
        long t0 = System.nanoTime();
        LAUNCHED.set(true);
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "shutdown"));
        try {
            ApplicationContextBuilder b = ApplicationContext.builder(mainClass).args(args);
            if (!properties.isEmpty()) {
                b.properties(properties);
            }
            ApplicationContext ctx = b.build();
            context = ctx;
            ctx.start();
            EmbeddedServer server = ctx.findBean(EmbeddedServer.class).orElse(null);
            if (server != null && !server.isRunning()) {
                server.start();
            }
            started = true;
            LOG.info("{} started in {} ms{}", ctx.getEnvironment().getProperty("micronaut.application.name", String.class)
                            .orElse(mainClass.getSimpleName()), (System.nanoTime() - t0) / 1_000_000,
                    server == null ? "" : ", HTTP on port " + server.getPort());
            return ctx;
        } catch (Throwable e) {
            SettingException setting = find(e, SettingException.class);
            if (setting != null) {
                LOG.error("invalid setting: {}", setting.getMessage());
                halt(EXIT_SETTINGS);
            } else {
                Throwable root = root(e);
                LOG.error("cannot start: {}", oneLine(root));
                LOG.debug("startup failure", e);
                halt(EXIT_STARTUP);
            }
            throw new IllegalStateException("unreachable");
        }
    }

    /** Blocks the calling thread until the process is stopping. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    private void stop() {
        long t0 = System.nanoTime();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(stopDeadline.toMillis());
                LOG.error("still stopping after {} ms; halting", stopDeadline.toMillis());
                Runtime.getRuntime().halt(EXIT_STOP_TIMEOUT);
            } catch (InterruptedException ignored) {
                // Stopped in time.
            }
        }, "shutdown-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        ApplicationContext ctx = started ? context : null;
        if (!started) {
            LOG.info("stopping before start completed");
        }
        try {
            if (ctx != null && ctx.isRunning()) {
                LOG.info("stopping");
                for (Drainable d : ctx.getBeansOfType(Drainable.class)) {
                    try {
                        d.drain(drainBudget);
                    } catch (RuntimeException e) {
                        LOG.warn("drain of {} failed: {}", d.getClass().getSimpleName(), e.toString());
                    }
                }
                ctx.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("error while stopping: {}", oneLine(root(e)));
        }
        for (Runnable r : afterStop) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("error while stopping: {}", oneLine(root(e)));
            }
        }
        LOG.info("stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
        stopped.countDown();
        watchdog.interrupt();
    }

    /**
     * Ends a launched process after an error it cannot recover from (a dead worker thread): logs the
     * reason and exits with {@value #EXIT_FATAL} through the normal shutdown (drain, close). Does
     * nothing but log outside a launched process, so tests that build contexts survive.
     */
    public static void fatal(String reason, Throwable error) {
        LOG.error("fatal: {}: {}", reason, oneLine(error));
        if (isLaunchedProcess()) {
            Thread t = new Thread(() -> System.exit(EXIT_FATAL), "fatal-exit");
            t.start();
        }
    }

    private static void halt(int status) {
        // Flush what logback buffered, then exit without running the shutdown hooks of a half-built context.
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }

    static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    static Throwable root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? "" : t.getMessage();
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl);
        }
        return t.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + m);
    }
}
