package io.pgrealtime.system.fault;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Socket.IO client (io.socket 2.x, protocol.md §2): {@code subscribe {collection: "fault_events"}},
 * records {@code fault_events:insert}; after a drop it connects to the next gateway (its own
 * reconnection is off: a real app with several gateway URLs does this itself) and resumes with
 * {@code subscribe {collection, since}} or {@code restore-subscriptions {subscriptions:[{collection, since}]}}.
 * Its callbacks run on the client library's single event thread.
 */
final class SioFaultClient extends FaultClient {
    static final String COLLECTION = "fault_events";

    /**
     * The HTTP client of every Socket.IO connection of the test. The library's default one keeps
     * OkHttp's dispatcher limit of 64 concurrent calls, and in OkHttp 3 an open WebSocket holds its
     * call (the reader loop runs in it): the 65th connection of one process would wait forever.
     */
    private static final OkHttpClient HTTP;

    static {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(1_000);
        dispatcher.setMaxRequestsPerHost(1_000);
        HTTP = new OkHttpClient.Builder().dispatcher(dispatcher).readTimeout(1, TimeUnit.MINUTES).build();
    }

    private final String[] transports;
    private final boolean restoreStyle;
    private volatile Connection current;

    /**
     * @param transports   {@code {"websocket"}}, or null for polling then upgrade (the library's default)
     * @param restoreStyle resume with {@code restore-subscriptions} rather than {@code subscribe … since}
     */
    SioFaultClient(String name, String token, int[] gatewayPorts, int firstGateway, ScheduledExecutorService timers,
                   String[] transports, boolean restoreStyle) {
        super(name, token, gatewayPorts, firstGateway, timers);
        this.transports = transports;
        this.restoreStyle = restoreStyle;
    }

    @Override
    protected void openAttempt(int gw, String since, int attempt) {
        IO.Options o = IO.Options.builder()
                .setForceNew(true)
                .setReconnection(false)
                .setTimeout(5_000)
                .setTransports(transports)
                .setAuth(Map.of("token", token))
                .build();
        o.callFactory = HTTP;
        o.webSocketFactory = HTTP;
        Socket s = IO.socket(URI.create("http://127.0.0.1:" + gatewayPorts[gw]), o);
        Connection c = new Connection(s);
        current = c;
        s.on(Socket.EVENT_CONNECT, a -> {
            if (current == c && !c.ended.get()) {
                subscribe(c, gw, since);
            }
        });
        s.on(Socket.EVENT_CONNECT_ERROR, a -> {
            if (c.ended.compareAndSet(false, true) && current == c) {
                s.close();
                connectFailed(gw, since, attempt, Arrays.toString(a));
            }
        });
        s.on(Socket.EVENT_DISCONNECT, a -> {
            if (c.ended.compareAndSet(false, true) && current == c) {
                dropped("disconnect " + Arrays.toString(a));
            }
        });
        s.on(COLLECTION + ":insert", a -> {
            try {
                JSONObject p = (JSONObject) a[0];
                event(p.getJSONObject("data").getLong("seq"), p.getString("id"));
            } catch (JSONException | RuntimeException e) {
                error("bad insert event " + Arrays.toString(a) + ": " + e);
            }
        });
        for (String other : new String[] {COLLECTION + ":update", COLLECTION + ":delete", "subscription.error"}) {
            s.on(other, a -> error(other + " " + Arrays.toString(a)));
        }
        s.connect();
    }

    private void subscribe(Connection c, int gw, String since) {
        try {
            JSONObject sub = new JSONObject().put("collection", COLLECTION);
            if (since != null) {
                sub.put("since", since);
            }
            subscribing(gw, since);
            if (since != null && restoreStyle) {
                JSONObject restore = new JSONObject().put("subscriptions", new JSONArray().put(sub));
                c.socket.emit("restore-subscriptions", new Object[] {restore}, (Ack) a -> restored(a));
            } else {
                c.socket.emit("subscribe", new Object[] {sub}, (Ack) a -> subscribeAck(since != null, a));
            }
        } catch (JSONException e) {
            error("cannot build the subscribe: " + e);
        }
    }

    private void subscribeAck(boolean resume, Object[] a) {
        try {
            JSONObject r = (JSONObject) a[0];
            if (!"success".equals(r.optString("status"))) {
                error("subscribe failed: " + r);
                return;
            }
            subscribed(resume, r.has("recovered") ? r.getBoolean("recovered") : null);
        } catch (JSONException | RuntimeException e) {
            error("bad subscribe ack " + Arrays.toString(a) + ": " + e);
        }
    }

    private void restored(Object[] a) {
        try {
            JSONObject r = (JSONObject) a[0];
            JSONArray restored = r.optJSONArray("restored");
            JSONArray failed = r.optJSONArray("failed");
            if (restored == null || restored.length() != 1 || (failed != null && failed.length() > 0)) {
                error("restore-subscriptions failed: " + r);
                return;
            }
            JSONObject one = restored.getJSONObject(0);
            subscribed(true, one.has("recovered") ? one.getBoolean("recovered") : null);
        } catch (JSONException | RuntimeException e) {
            error("bad restore-subscriptions ack " + Arrays.toString(a) + ": " + e);
        }
    }

    @Override
    protected void closeConnection() {
        Connection c = current;
        if (c != null) {
            c.ended.set(true);
            c.socket.close();
        }
    }

    /** One connection attempt. */
    private static final class Connection {
        final Socket socket;
        final AtomicBoolean ended = new AtomicBoolean();

        Connection(Socket socket) {
            this.socket = socket;
        }
    }
}
