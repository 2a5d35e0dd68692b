package io.pgrealtime.gateway.transport.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.gateway.GatewayFixture;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client mistakes at the HTTP and frame level get a clean answer in the protocol's terms and leave
 * no ERROR and no stack trace in the log: a plain GET on the WebSocket path (426 with a JSON error),
 * an oversize Engine.IO polling body (413), invalid UTF-8 in a text frame (close 1007).
 */
@RealtimeIntegrationTest
class CleanErrorsIT {
    private static GatewayFixture fx;
    private static EmbeddedServer node;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(TestDatabase db, TestRedis redis) {
        fx = new GatewayFixture(db, redis);
        node = fx.startNode("clean-errors", java.util.Map.of("gateway.http.request-header-timeout", "2s"));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @BeforeEach
    void capture() {
        log.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    }

    /** Nothing at INFO or above carries a stack trace, nothing is an ERROR. */
    private void assertQuietLog() {
        List<ILoggingEvent> loud = log.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .filter(e -> e.getLevel() == Level.ERROR || e.getThrowableProxy() != null)
                .toList();
        assertThat(loud).extracting(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()).isEmpty();
    }

    @Test
    void plainGetOnTheWebSocketPathIs426WithAJsonError() throws Exception {
        // A client per request: the 426 carries "Connection: Upgrade, close" (RFC 9110 §7.8), which the
        // JDK client does not read as close, so it would reuse the closed connection.
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.getPort() + "/realtime"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(426);
            assertThat(r.headers().firstValue("Upgrade")).contains("websocket");
            assertThat(r.body()).contains("\"code\":\"INVALID_MESSAGE\"");
        }
        // A POST with a body too: its content must not reach Micronaut after the answer.
        HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.getPort() + "/realtime"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(426);
        Thread.sleep(300);
        assertQuietLog();
    }

    @Test
    void oversizePollingBodyIs413() throws Exception {
        String base = "http://127.0.0.1:" + node.getPort() + "/socket.io/?EIO=4&transport=polling";
        String open = http.send(HttpRequest.newBuilder(URI.create(base)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        String sid = open.replaceAll("^0\\{\"sid\":\"([^\"]+)\".*$", "$1");
        assertThat(sid).isNotBlank().doesNotContain("{");
        HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(base + "&sid=" + sid))
                .POST(HttpRequest.BodyPublishers.ofString("4" + "x".repeat(2_000_000))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(413);
        Thread.sleep(300);
        assertQuietLog();
        // The node goes on serving.
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base)).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void invalidUtf8InATextFrameClosesWith1007() throws Exception {
        assertThat(closeStatusAfterInvalidUtf8("/realtime?token=" + fx.token("utf8-user"))).isEqualTo(1007);
        assertThat(closeStatusAfterInvalidUtf8("/socket.io/?EIO=4&transport=websocket")).isEqualTo(1007);
        Thread.sleep(300);
        assertQuietLog();
    }

    @Test
    void anUpgradeWithAnOversizeHeaderIs431AndClosed() throws Exception {
        // Found by TokenMatrixIT: the decoder passed on a half-read upgrade request, which then waited forever.
        for (String order : new String[] {"upgrade-first", "big-first"}) {
            try (Socket s = new Socket("127.0.0.1", node.getPort())) {
                s.setSoTimeout(5_000);
                String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n";
                String big = "Authorization: Bearer " + "a".repeat(10_000) + "\r\n";
                String req = "GET /realtime HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + (order.equals("upgrade-first") ? upgrade + big : big + upgrade) + "\r\n";
                s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                assertThat(readHeaders(in)).as(order).startsWith("HTTP/1.1 431");
                byte[] rest = in.readAllBytes(); // ends when the server closes
                assertThat(new String(rest, StandardCharsets.UTF_8)).contains("INVALID_MESSAGE");
            }
        }
        assertQuietLog();
    }

    @Test
    void aFragmentedMessageOverTheLimitClosesWith1009() throws Exception {
        // Two 600 KB fragments: each frame is under the frame limit, the message is over it.
        assertThat(closeStatusAfterFragments("/realtime?token=" + fx.token("frag-user"), 600_000)).isEqualTo(1009);
        assertThat(closeStatusAfterFragments("/socket.io/?EIO=4&transport=websocket", 600_000)).isEqualTo(1009);
        Thread.sleep(300);
        assertQuietLog();
    }

    private int closeStatusAfterFragments(String pathAndQuery, int fragment) throws IOException {
        try (Socket s = new Socket("127.0.0.1", node.getPort())) {
            OutputStream out = s.getOutputStream();
            InputStream in = upgrade(s, pathAndQuery);
            try {
                out.write(maskedFrame(0x01, false, fragment));   // text, not final
                out.write(maskedFrame(0x00, true, fragment));    // continuation, final
                out.flush();
            } catch (java.net.SocketException closedWhileSending) {
                // The server may close before the second fragment is through; its close frame is already sent.
            }
            return closeStatus(new DataInputStream(in));
        }
    }

    /** Sends a WebSocket upgrade request on {@code s}, expects 101, and returns the stream of frames that follow. */
    private static InputStream upgrade(Socket s, String pathAndQuery) throws IOException {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        assertThat(readHeaders(in)).startsWith("HTTP/1.1 101");
        return in;
    }

    /** A masked frame of {@code length} ASCII 'a's (a client's frames must be masked). */
    private static byte[] maskedFrame(int opcode, boolean fin, int length) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(length + 14);
        b.write((fin ? 0x80 : 0) | opcode);
        b.write(0x80 | 127);
        for (int i = 7; i >= 0; i--) {
            b.write((int) ((long) length >>> (8 * i)) & 0xFF);
        }
        byte[] mask = {5, 6, 7, 8};
        b.write(mask, 0, 4);
        for (int i = 0; i < length; i++) {
            b.write('a' ^ mask[i & 3]);
        }
        return b.toByteArray();
    }

    private int closeStatusAfterInvalidUtf8(String pathAndQuery) throws IOException {
        try (Socket s = new Socket("127.0.0.1", node.getPort())) {
            OutputStream out = s.getOutputStream();
            InputStream in = upgrade(s, pathAndQuery);
            // A masked text frame holding 0xC3 0x28: not UTF-8.
            byte[] payload = {(byte) 0xC3, 0x28};
            byte[] mask = {1, 2, 3, 4};
            out.write(new byte[] {(byte) 0x81, (byte) (0x80 | payload.length), mask[0], mask[1], mask[2], mask[3],
                    (byte) (payload[0] ^ mask[0]), (byte) (payload[1] ^ mask[1])});
            out.flush();
            return closeStatus(new DataInputStream(in));
        }
    }

    @Test
    void aClientTricklingItsHeadersIsDisconnectedAtTheDeadline() throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            long t0 = System.nanoTime();
            out.write("GET /realtime HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            int read = 0;
            try {
                for (int i = 0; i < 8 && read >= 0; i++) {
                    // One header line a second, never the blank line that ends them.
                    out.write(("X-Slow-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.setSoTimeout(1_000);
                    try {
                        read = s.getInputStream().read();
                    } catch (java.net.SocketTimeoutException stillOpen) {
                        read = 0;
                    }
                }
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            long heldMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(read).as("connection closed by the server").isEqualTo(-1);
            assertThat(heldMillis).isBetween(1_500L, 5_000L);
        }
        // A normal client right after is served.
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.getPort() + "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertQuietLog();
    }

    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    /** Reads server frames until a close frame; its status code. */
    private static int closeStatus(DataInputStream in) throws IOException {
        while (true) {
            int b0 = in.readUnsignedByte();
            int len = in.readUnsignedByte() & 0x7F;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = (int) in.readLong();
            }
            byte[] data = in.readNBytes(len);
            if ((b0 & 0x0F) == 0x8) {
                return data.length >= 2 ? ((data[0] & 0xFF) << 8) | (data[1] & 0xFF) : -1;
            }
        }
    }
}
