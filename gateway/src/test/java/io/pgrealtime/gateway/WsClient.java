package io.pgrealtime.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.protocol.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client (the JDK's) for integration tests: collects every message it receives. */
public final class WsClient implements AutoCloseable {
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final java.util.Map<JsonNode, Long> received =
            java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile String closeReason;
    private final WebSocket ws;
    private volatile boolean reading;

    private WsClient(URI uri, String bearer, boolean reading) {
        this.reading = reading;
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        this.ws = b.buildAsync(uri, new Listener()).join();
    }

    /** Connects with {@code ?token=}. */
    public static WsClient connect(String baseWsUrl, String token) {
        return new WsClient(URI.create(baseWsUrl + (token == null ? "" : "?token=" + token)), null, true);
    }

    /** Connects with an Authorization header. */
    public static WsClient connectWithHeader(String baseWsUrl, String token) {
        return new WsClient(URI.create(baseWsUrl), token, true);
    }

    /** Connects and never reads after the first messages (a slow consumer). */
    public static WsClient connectNotReading(String baseWsUrl, String token) {
        return new WsClient(URI.create(baseWsUrl + "?token=" + token), null, false);
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode m = Json.mapper().readTree(partial.toString());
                    received.put(m, System.currentTimeMillis());
                    messages.add(m);
                } catch (Exception e) {
                    messages.add(Json.object().put("unparseable", partial.toString()));
                }
                partial.setLength(0);
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closed.complete(new int[] {statusCode});
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new int[] {-1});
        }
    }

    /** When a message was received (epoch ms), for latency measurements. */
    public long receivedAt(JsonNode message) {
        return received.get(message);
    }

    public WsClient send(String json) {
        ws.sendText(json, true).join();
        return this;
    }

    /** Starts reading again (a slow consumer that wakes up). */
    public void resumeReading() {
        reading = true;
        ws.request(Long.MAX_VALUE);
    }

    public WsClient sendBinary(byte[] data) {
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
        return this;
    }

    /** The next message matching {@code p}, skipping others (kept out of the queue), within the timeout. */
    public JsonNode await(Predicate<JsonNode> p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching message within " + timeout);
            }
            JsonNode m;
            try {
                m = messages.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (m != null && p.test(m)) {
                return m;
            }
        }
    }

    public JsonNode await(Predicate<JsonNode> p) {
        return await(p, Duration.ofSeconds(10));
    }

    /** The next message of a type (and, if given, channel). */
    public JsonNode awaitType(String type) {
        return await(m -> type.equals(m.path("type").asText()));
    }

    /** Every message received within {@code quiet} after the last one. */
    public List<JsonNode> drain(Duration quiet) {
        List<JsonNode> out = new ArrayList<>();
        while (true) {
            try {
                JsonNode m = messages.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
                if (m == null) {
                    return out;
                }
                out.add(m);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Collects {@code n} change events of a channel (broadcasts with an id), in arrival order. */
    public List<JsonNode> changes(String channel, int n, Duration timeout) {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("got " + out.size() + " of " + n + " events on " + channel + " within " + timeout);
            }
            try {
                JsonNode m = messages.poll(left, TimeUnit.NANOSECONDS);
                if (m != null && "broadcast".equals(m.path("type").asText()) && channel.equals(m.path("channel").asText())
                        && m.has("id")) {
                    out.add(m);
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    /** Close status (or -1 on error) once the server closed, within the timeout. */
    public int awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS)[0];
        } catch (Exception e) {
            throw new AssertionError("connection not closed within " + timeout);
        }
    }

    public String closeReason() {
        return closeReason;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        try {
            ws.sendClose(1000, "bye").get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            ws.abort();
        }
    }
}
