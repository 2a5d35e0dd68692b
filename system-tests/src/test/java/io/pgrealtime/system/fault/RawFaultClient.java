package io.pgrealtime.system.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A raw WebSocket client ({@code /realtime}, protocol.md §1) on the JDK's WebSocket: subscribes to
 * {@code table:public.fault_events}, resumes with {@code subscribe … since}. Unlike the gateway
 * tests' {@code WsClient} it keeps no message objects (only seq and arrival time, for thousands of
 * events on each of a hundred clients) and reacts to a closed connection at once, in its listener.
 */
final class RawFaultClient extends FaultClient {
    /** One client (selector thread, pool) for every raw connection of the test. */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static final String CHANNEL = "table:public.fault_events";

    private volatile Connection current;

    RawFaultClient(String name, String token, int[] gatewayPorts, int firstGateway, ScheduledExecutorService timers) {
        super(name, token, gatewayPorts, firstGateway, timers);
    }

    @Override
    protected void openAttempt(int gw, String since, int attempt) {
        Connection c = new Connection(gw, since, attempt);
        current = c;
        URI uri = URI.create("ws://127.0.0.1:" + gatewayPorts[gw] + "/realtime?token=" + token);
        HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, c).whenComplete((ws, e) -> {
            if (e != null && c.ended.compareAndSet(false, true) && current == c) {
                connectFailed(gw, since, attempt, String.valueOf(e));
            }
        });
    }

    @Override
    protected void closeConnection() {
        Connection c = current;
        if (c != null && c.ws != null) {
            c.ended.set(true);
            c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").whenComplete((w, e) -> c.ws.abort());
        }
    }

    /** One connection: its listener (calls for one WebSocket come one at a time). */
    private final class Connection implements WebSocket.Listener {
        final int gw;
        final String since;
        final int attempt;
        final AtomicBoolean ended = new AtomicBoolean();
        final StringBuilder partial = new StringBuilder();
        volatile WebSocket ws;

        Connection(int gw, String since, int attempt) {
            this.gw = gw;
            this.since = since;
            this.attempt = attempt;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(Long.MAX_VALUE);
            ObjectNode sub = Json.object();
            sub.put("type", "subscribe");
            sub.put("channel", CHANNEL);
            sub.put("ref", since == null ? "subscribe" : "resume");
            if (since != null) {
                sub.put("since", since);
            }
            subscribing(gw, since);
            webSocket.sendText(sub.toString(), true);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (!last) {
                return null;
            }
            String text = partial.toString();
            partial.setLength(0);
            JsonNode m;
            try {
                m = Json.mapper().readTree(text);
            } catch (Exception e) {
                error("unparseable message: " + text);
                return null;
            }
            switch (m.path("type").asText()) {
                case "broadcast" -> {
                    if (CHANNEL.equals(m.path("channel").asText()) && m.hasNonNull("id")) {
                        JsonNode p = m.path("payload");
                        if ("INSERT".equals(p.path("type").asText())) {
                            event(p.path("record").path("seq").asLong(), m.get("id").asText());
                        } else {
                            error("unexpected change: " + text);
                        }
                    }
                }
                case "ack" -> {
                    if (CHANNEL.equals(m.path("channel").asText()) && "subscribed".equals(m.path("status").asText())) {
                        subscribed(since != null, m.hasNonNull("recovered") ? m.get("recovered").asBoolean() : null);
                    }
                }
                case "error" -> error("error on " + gatewayPorts[gw] + ": " + text);
                default -> {
                    // pong, presence…: not ours.
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            end("close " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end("error " + error);
        }

        private void end(String why) {
            if (ended.compareAndSet(false, true) && current == this) {
                dropped(why);
            }
        }
    }
}
