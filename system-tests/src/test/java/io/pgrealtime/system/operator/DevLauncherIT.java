package io.pgrealtime.system.operator;

import io.pgrealtime.system.process.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgrealtime.gateway.WsClient;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command as a developer runs it: the dev launcher (embedded PostgreSQL and
 * Redis, relay and gateway in one process) starts with a clean first screen and stops on a single
 * Ctrl-C, taking its embedded servers with it.
 */
class DevLauncherIT {

    @Test
    void cleanFirstScreenAndOneCtrlCStopsEverything(@TempDir Path data) throws SQLException {
        int port = ChildProcess.freePort();
        int pgPort = ChildProcess.freePort();
        int redisPort = ChildProcess.freePort();
        List<String> jvm = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-Drealtime.dev.data=" + data,
                "-Drealtime.dev.port=" + port, "-Drealtime.dev.pg-port=" + pgPort, "-Drealtime.dev.redis-port=" + redisPort);
        try (ChildProcess dev = ChildProcess.mainClass("dev-launcher", System.getProperty("java.class.path"), jvm,
                "io.pgrealtime.dev.DevLauncher", Map.of())) {
            dev.awaitLine("pgrealtime dev stack is running", Duration.ofSeconds(120));
            dev.awaitLine("psql -h 127.0.0.1", Duration.ofSeconds(5));
            assertThat(dev.lines()).noneMatch(l -> l.contains("ch.qos.logback") || l.contains("|-INFO") || l.contains("|-WARN"));
            dev.awaitHttpOk(port, "/health/readiness", Duration.ofSeconds(30));
            assertThat(listening(pgPort)).isTrue();
            assertThat(listening(redisPort)).isTrue();

            // What the first screen tells a developer to do: the printed token opens a WebSocket and
            // a row inserted with the printed psql command's credentials arrives on public.todos.
            List<String> lines = dev.lines();
            int jwtLine = lines.indexOf(lines.stream().filter(l -> l.contains("JWT (admin")).findFirst().orElseThrow());
            String token = lines.get(jwtLine + 1).trim();
            try (WsClient ws = WsClient.connect("ws://127.0.0.1:" + port + "/realtime", token)) {
                ws.send("{\"type\":\"subscribe\",\"channel\":\"table:public.todos\",\"ref\":\"t\"}");
                assertThat(ws.await(m -> "t".equals(m.path("ref").asText())).path("status").asText()).isEqualTo("subscribed");
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "postgres", "postgres");
                     Statement st = c.createStatement()) {
                    st.execute("insert into public.todos(title) values ('hello')");
                }
                assertThat(ws.changes("table:public.todos", 1, Duration.ofSeconds(20)).get(0).toString()).contains("hello");
            }

            long t0 = System.nanoTime();
            dev.sigint();
            int status = dev.awaitExit(Duration.ofSeconds(30));
            long stopMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(status).isEqualTo(130);
            assertThat(dev.output()).contains("stopped in");
            assertThat(listening(port)).isFalse();
            assertThat(listening(redisPort)).as("embedded Redis stopped").isFalse();
            assertThat(listening(pgPort)).as("embedded PostgreSQL stopped").isFalse();
            System.out.println("DEV LAUNCHER: stopped " + stopMillis + " ms after one SIGINT");
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
