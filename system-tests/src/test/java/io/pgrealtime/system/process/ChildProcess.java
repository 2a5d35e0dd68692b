package io.pgrealtime.system.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A process of ours started as an operator starts it: {@code java -jar <runnable jar>} (or a main
 * class on a class path) with only the environment variables given, plus PATH, HOME and JAVA_HOME.
 * Its combined output is kept in memory and copied to {@code target/process-logs/<name>.log}.
 */
public final class ChildProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final long startedNanos = System.nanoTime();
    private final Thread pump;

    private ChildProcess(String name, List<String> command, Map<String, String> env) {
        this.name = name;
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        Map<String, String> keep = new LinkedHashMap<>();
        for (String k : List.of("PATH", "HOME", "JAVA_HOME", "LANG", "TMPDIR")) {
            if (System.getenv(k) != null) {
                keep.put(k, System.getenv(k));
            }
        }
        e.clear();
        e.putAll(keep);
        e.putAll(env);
        try {
            this.process = pb.start();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        Path log = Path.of("target", "process-logs", name + ".log");
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        this.pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter w = new PrintWriter(Files.newBufferedWriter(log), true)) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    w.println(line);
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        }, "output-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    /** The repository's root (system property {@code realtime.repo.root}, set by the build). */
    public static Path repoRoot() {
        return Path.of(System.getProperty("realtime.repo.root", "..")).toAbsolutePath().normalize();
    }

    /** {@code <module>/target/<module>-<version>.jar}, the runnable jar {@code mvn package} makes. */
    public static Path runnableJar(String module) {
        String version = System.getProperty("realtime.version", "0.1.0-SNAPSHOT");
        Path jar = repoRoot().resolve(module).resolve("target").resolve(module + "-" + version + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn package first");
        }
        return jar;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java -Xmx<heap> -jar <module's runnable jar>} with exactly these environment variables. */
    public static ChildProcess jar(String name, String module, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
                runnableJar(module).toString()));
        return new ChildProcess(name, cmd, env);
    }

    /** {@code java -cp <class path> <jvmArgs…> <mainClass>} with exactly these environment variables. */
    public static ChildProcess mainClass(String name, String classPath, List<String> jvmArgs, String mainClass,
                                         Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", classPath));
        cmd.addAll(jvmArgs);
        cmd.add(mainClass);
        return new ChildProcess(name, cmd, env);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process printed so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    public String output() {
        return String.join("\n", lines);
    }

    /** Waits for a line matching {@code regex}; fails with the output if the process ends first or time runs out. */
    public String awaitLine(String regex, Duration timeout) {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            List<String> now = lines;
            for (int i = seen; i < now.size(); i++) {
                if (p.matcher(now.get(i)).find()) {
                    return now.get(i);
                }
            }
            seen = now.size();
            if (!process.isAlive() && seen == lines.size()) {
                throw new AssertionError(name + " exited (" + process.exitValue() + ") before printing /" + regex + "/:\n" + output());
            }
            sleep(50);
        }
        throw new AssertionError(name + " did not print /" + regex + "/ within " + timeout + ":\n" + output());
    }

    /** GET {@code http://127.0.0.1:<port><path>}: status code, or -1 when nothing answers. */
    public static int httpStatus(int port, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** GET body, or null when nothing answers. */
    public static String httpBody(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Waits until {@code GET <path>} answers 200 (e.g. {@code /health/readiness}). */
    public void awaitHttpOk(int port, String path, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited (" + process.exitValue() + ") before " + path + " answered 200:\n" + output());
            }
            if (httpStatus(port, path) == 200) {
                return;
            }
            sleep(200);
        }
        throw new AssertionError(name + ": " + path + " on port " + port + " not 200 within " + timeout + " (last: "
                + httpBody(port, path) + "):\n" + output());
    }

    /**
     * Sends SIGTERM (what {@code docker stop} and Kubernetes send) with {@code kill}: the JDK's
     * {@code Process.destroy()} would also close our end of its output, losing what it logs while stopping.
     */
    public void sigterm() {
        signal("TERM");
    }

    /** Sends SIGINT (Ctrl-C in a terminal). */
    public void sigint() {
        signal("INT");
    }

    /** Sends SIGKILL: the process dies at once, nothing runs. */
    public void sigkill() {
        process.destroyForcibly();
    }

    private void signal(String sig) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for the process to end.
     *
     * @return its exit status
     * @throws AssertionError if it is still running after {@code timeout}
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout + ":\n" + output());
            }
            pump.join(2_000);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Milliseconds since the process was started. */
    public long ageMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** A free TCP port on the loopback interface. */
    public static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills the process if it is still running (SIGKILL). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
