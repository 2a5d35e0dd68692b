package io.pgrealtime.gateway.socketio;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import org.json.JSONObject;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The Java Socket.IO client (io.socket 2.x, protocol v5) wrapped for tests: records every event. */
final class SioClient implements AutoCloseable {
    /** One received event. */
    record Event(String name, Object[] args) {
        JSONObject json() {
            return (JSONObject) args[0];
        }

        @Override
        public String toString() {
            return name + java.util.Arrays.toString(args);
        }
    }

    final Socket socket;
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final CompletableFuture<Object> connectError = new CompletableFuture<>();
    final CompletableFuture<Void> connected = new CompletableFuture<>();
    /** The reason given to the client's {@code disconnect} event. */
    final CompletableFuture<String> disconnected = new CompletableFuture<>();

    /** Names of the Engine.IO transports the client used, in order (polling, then websocket after an upgrade). */
    final java.util.List<String> transports = new java.util.concurrent.CopyOnWriteArrayList<>();

    private SioClient(Socket socket) {
        this.socket = socket;
        socket.io().on(io.socket.client.Manager.EVENT_TRANSPORT, a ->
                transports.add(((io.socket.engineio.client.Transport) a[0]).name));
        socket.on(Socket.EVENT_CONNECT, a -> connected.complete(null));
        socket.on(Socket.EVENT_DISCONNECT, a -> disconnected.complete(a.length > 0 ? String.valueOf(a[0]) : ""));
        socket.on(Socket.EVENT_CONNECT_ERROR, a -> connectError.complete(a.length > 0 ? a[0] : null));
        socket.onAnyIncoming(a -> events.add(new Event((String) a[0], java.util.Arrays.copyOfRange(a, 1, a.length))));
    }

    /** Connects to a node with {@code auth: {token}}; {@code transports} null means polling then upgrade. */
    static SioClient connect(int port, String token, String[] transports) {
        IO.Options o = IO.Options.builder()
                .setAuth(token == null ? Map.of() : Map.of("token", token))
                .setReconnection(false)
                .setTransports(transports)
                .build();
        Socket s = IO.socket(URI.create("http://127.0.0.1:" + port), o);
        SioClient c = new SioClient(s);
        s.connect();
        return c;
    }

    void awaitConnected() {
        try {
            connected.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("not connected: " + connectError.getNow(null), e);
        }
    }

    /** Emits with an ack and waits for it. */
    JSONObject call(String event, Object arg) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        socket.emit(event, new Object[] {arg}, (Ack) a -> reply.complete(a.length > 0 ? a[0] : null));
        try {
            return (JSONObject) reply.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no ack for " + event, e);
        }
    }

    Event await(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no '" + name + "' event within " + timeout);
            }
            try {
                Event e = events.poll(left, TimeUnit.NANOSECONDS);
                if (e != null && e.name().equals(name)) {
                    return e;
                }
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
        }
    }

    Event await(String name) {
        return await(name, Duration.ofSeconds(10));
    }

    /**
     * Every event up to and including the first that matches {@code last}, in arrival order: what
     * arrived before a marker message (the caller asserts on their content).
     */
    java.util.List<Event> until(java.util.function.Predicate<Event> last, Duration timeout) {
        java.util.List<Event> out = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching event within " + timeout + "; got " + out);
            }
            try {
                Event e = events.poll(left, TimeUnit.NANOSECONDS);
                if (e != null) {
                    out.add(e);
                    if (last.test(e)) {
                        return out;
                    }
                }
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
        }
    }

    /** Every event received until none arrives for {@code quiet}. */
    java.util.List<Event> drain(Duration quiet) {
        java.util.List<Event> out = new java.util.ArrayList<>();
        while (true) {
            try {
                Event e = events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
                if (e == null) {
                    return out;
                }
                out.add(e);
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
