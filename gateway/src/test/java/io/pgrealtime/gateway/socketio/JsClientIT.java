package io.pgrealtime.gateway.socketio;

import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.gateway.GatewayFixture;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the end-to-end suite of the official JavaScript client (e2e/socketio, socket.io-client 4.x
 * installed from the committed lockfile with {@code npm ci}) against a real relay and gateway.
 */
@RealtimeIntegrationTest
class JsClientIT {

    @Test
    void theOfficialJavaScriptClientPassesItsSuite(TestDatabase db, TestRedis redis) throws Exception {
        assumeTrue(onPath("node") && onPath("npm"), "Node.js and npm are needed for the JavaScript client suite");
        Path dir = Path.of("..", "e2e", "socketio").toAbsolutePath().normalize();
        assertThat(dir.resolve("package-lock.json")).exists();
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            assertThat(run(dir, Map.of(), List.of("npm", "ci", "--no-audit", "--no-fund"), 300)).isZero();
        }
        try (GatewayFixture fx = new GatewayFixture(db, redis)) {
            EmbeddedServer node = fx.startNode("js-node");
            fx.createAndEnable("CREATE TABLE public.js_posts (id int PRIMARY KEY, title text)", "public.js_posts", "", node);
            int exit = run(dir, Map.of(
                    "GATEWAY_URL", "http://127.0.0.1:" + node.getPort(),
                    "DATABASE_URL", db.url(),
                    "TOKEN_A", fx.token("js-a"),
                    "TOKEN_B", fx.token("js-b")), List.of("node", "--test", "--test-concurrency=1", "--test-force-exit", "socketio.test.mjs"), 180);
            assertThat(exit).as("node --test exit status (its output is in target/js-client-e2e.log)").isZero();
        }
    }

    private static int run(Path dir, Map<String, String> env, List<String> cmd, int timeoutSeconds) throws Exception {
        File log = Path.of("target", "js-client-e2e.log").toFile();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        String out = Files.readString(log.toPath());
        System.out.println(out);
        return p.exitValue();
    }

    private static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }
}
