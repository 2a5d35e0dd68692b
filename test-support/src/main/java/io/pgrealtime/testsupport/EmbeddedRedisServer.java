package io.pgrealtime.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} child process: the Linux binary shipped in the
 * {@code com.github.codemonstur:embedded-redis} jar (Redis 6.2), or {@code redis-server} from the
 * PATH on other platforms, or the binary named by {@code REALTIME_TEST_REDIS_BINARY}.
 *
 * <p>Runs with an append-only file fsynced on every write, so both {@link #stop()} (SIGTERM,
 * Redis shuts down cleanly) and {@link #kill()} (SIGKILL) keep every acknowledged write across
 * {@link #start()}. We manage the process ourselves rather than through the library's wrapper so
 * that a hard kill and a restart on the same data directory are possible.
 */
public final class EmbeddedRedisServer implements RedisServer {

    private static final String BUNDLED = "/redis-server-6.2.6-v5-linux-amd64";

    private final Path dataDir;
    private final int port;
    private final Path binary;
    private Process process;

    public EmbeddedRedisServer(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port == 0 ? EmbeddedPostgresServer.freePort() : port;
        this.binary = resolveBinary();
    }

    /** A server in a new temporary directory on a free port, not yet started. */
    public static EmbeddedRedisServer temporary() {
        try {
            return new EmbeddedRedisServer(Files.createTempDirectory("pgrt-redis-"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resolveBinary() {
        String override = System.getenv("REALTIME_TEST_REDIS_BINARY");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        boolean linuxAmd64 = System.getProperty("os.name", "").toLowerCase().contains("linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch", ""));
        if (linuxAmd64) {
            try (InputStream in = EmbeddedRedisServer.class.getResourceAsStream(BUNDLED)) {
                if (in != null) {
                    Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "pgrt-redis-bin"));
                    Path target = dir.resolve("redis-server-6.2.6");
                    Path tmp = Files.createTempFile(dir, "redis-server", ".part");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    tmp.toFile().setExecutable(true);
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    return target;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot unpack the bundled redis-server", e);
            }
        }
        return Path.of("redis-server");
    }

    @Override
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--dir", dataDir.toString(),
                "--appendonly", "yes",
                "--appendfsync", "always",
                "--save", "",
                "--protected-mode", "no",
                "--daemonize", "no"));
        try {
            Files.createDirectories(dataDir);
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("redis.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ping()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue()
                        + "; see " + dataDir.resolve("redis.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not answer PING within 30 s on port " + port);
            }
            sleep(20);
        }
        // appendfsync=always: the AOF is loaded by now (PING answers only after loading).
    }

    private boolean ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[7];
            int n = s.getInputStream().read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized void stop() {
        terminate(false);
    }

    @Override
    public synchronized void kill() {
        terminate(true);
    }

    private void terminate(boolean hard) {
        if (process == null) {
            return;
        }
        if (hard) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public boolean canRestart() {
        return true;
    }

    @Override
    public String describe() {
        return "embedded Redis (" + binary + ") on 127.0.0.1:" + port + " (data " + dataDir + ")";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
