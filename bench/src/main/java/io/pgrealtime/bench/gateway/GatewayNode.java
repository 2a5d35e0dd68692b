package io.pgrealtime.bench.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.protocol.Json;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's handle on a {@link GatewayProcess}: starts it as a child JVM with this
 * benchmark's class path, sends it commands and reads its answers. Every wait is bounded.
 */
final class GatewayNode implements AutoCloseable {
    private static final int STARTUP_SECONDS = 90;
    private static final int COMMAND_SECONDS = 60;

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final int port;
    private final Path log;

    private GatewayNode(Process process, Path log) throws IOException {
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread t = new Thread(this::pump, "gateway-node-stdout");
        t.setDaemon(true);
        t.start();
        JsonNode ready = await(STARTUP_SECONDS);
        if (ready == null || !ready.path("ready").asBoolean()) {
            process.destroyForcibly();
            throw new IllegalStateException("gateway node did not start within " + STARTUP_SECONDS
                    + " s; see " + log);
        }
        this.port = ready.get("port").asInt();
    }

    /**
     * Starts a node.
     *
     * @param jvmOptions options for the child JVM (heap, JFR, …)
     * @param props      Micronaut properties
     * @param log        where the child's stderr goes
     */
    static GatewayNode start(List<String> jvmOptions, Map<String, Object> props, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dlogback.configurationFile=logback-bench.xml");
        cmd.add("-cp");
        cmd.add(nodeClassPath());
        cmd.add(GatewayProcess.class.getName());
        props.forEach((k, v) -> cmd.add(k + "=" + v));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new GatewayNode(p, log);
    }

    private static volatile String pinned;

    /**
     * Copies the project's own jars of the class path (gateway, shared-protocol, …) to {@code dir}
     * and uses the copies for every node started from now on, so that a {@code mvn install} by
     * someone else during the benchmark cannot change the gateway under test between runs.
     */
    static void pinProjectJars(Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        List<String> out = new ArrayList<>();
        for (String e : classPath().split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (e.contains(File.separator + "io" + File.separator + "pgrealtime" + File.separator) && e.endsWith(".jar")) {
                Path copy = dir.resolve(p.getFileName());
                java.nio.file.Files.copy(p, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                out.add(copy.toString());
            } else {
                out.add(e);
            }
        }
        pinned = String.join(File.pathSeparator, out);
    }

    /** The class path of gateway nodes: the pinned one, else this JVM's. */
    static String nodeClassPath() {
        return pinned != null ? pinned : classPath();
    }

    /** This JVM's application class path: exec:java's class loader when there is one, else java.class.path. */
    static String classPath() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        List<String> entries = new ArrayList<>();
        while (cl != null) {
            if (cl instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    try {
                        entries.add(new File(url.toURI()).getPath());
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        // Not a file; the child cannot use it either.
                    }
                }
            }
            cl = cl.getParent();
        }
        boolean hasGateway = entries.stream().anyMatch(e -> e.contains("gateway"));
        if (!hasGateway) {
            return System.getProperty("java.class.path");
        }
        return String.join(File.pathSeparator, entries);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(GatewayProcess.REPLY)) {
                    replies.add(line.substring(GatewayProcess.REPLY.length()));
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
    }

    private JsonNode await(int seconds) {
        try {
            String s = replies.poll(seconds, TimeUnit.SECONDS);
            return s == null ? null : Json.mapper().readTree(s);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("unreadable reply from the gateway node", e);
        }
    }

    /** Sends one command and returns its answer. */
    synchronized JsonNode command(String cmd) {
        replies.clear();
        try {
            stdin.write(cmd + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new IllegalStateException("gateway node is gone (exit " + exitValue() + "); see " + log, e);
        }
        JsonNode reply = await(COMMAND_SECONDS);
        if (reply == null) {
            throw new IllegalStateException("gateway node did not answer '" + cmd + "' within "
                    + COMMAND_SECONDS + " s; see " + log);
        }
        return reply;
    }

    JsonNode stats() {
        return command("stats");
    }

    /** Two full GCs in the node, then its stats. */
    JsonNode gcStats() {
        return command("gc");
    }

    boolean knowsTable(String table) {
        return command("table " + table).path("known").asBoolean();
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private String exitValue() {
        return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
    }

    @Override
    public void close() {
        try {
            stdin.write("quit\n");
            stdin.flush();
            stdin.close();
        } catch (IOException e) {
            // Already gone.
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
