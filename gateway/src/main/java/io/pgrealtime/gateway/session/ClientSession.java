package io.pgrealtime.gateway.session;

import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;
import io.pgrealtime.gateway.protocol.ServerMessages;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection, whatever its transport: who it is, what it subscribed to, and how to
 * reach it. The channel model works on sessions only.
 *
 * <p>Thread-safe: messages are sent from the connection's event loop (fan-out included) and from
 * other threads (replay, broadcasts, presence).
 * A session that cannot take a message (its outbound buffer is full) is dropped once with
 * {@code SLOW_CONSUMER}; everything sent after that is discarded.
 */
public final class ClientSession {
    private final String id;
    private final Outbound outbound;
    private final String transport;
    private final Wire wire;
    private volatile Principal principal;
    private final Map<String, Object> subscriptions = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    public ClientSession(String id, Principal principal, Outbound outbound, String transport, Wire wire) {
        this.id = id;
        this.principal = principal;
        this.outbound = outbound;
        this.transport = transport;
        this.wire = wire;
    }

    /** How this session's protocol encodes deliveries. */
    public Wire wire() {
        return wire;
    }

    public String id() {
        return id;
    }

    public Principal principal() {
        return principal;
    }

    public void principal(Principal p) {
        this.principal = p;
    }

    public String transport() {
        return transport;
    }

    /** Where the fan-out delivers to this session: its connection's event loop (see {@link Outbound#loop()}). */
    public java.util.concurrent.Executor loop() {
        return outbound.loop();
    }

    /** Subscriptions by channel name; the values belong to the channel kind that made them. */
    public Map<String, Object> subscriptions() {
        return subscriptions;
    }

    /** Sends one encoded message; drops the session with SLOW_CONSUMER if its buffer is full. */
    public void send(byte[] json) {
        if (closed.get()) {
            return;
        }
        if (!outbound.send(json)) {
            close(CloseStatus.SLOW_CONSUMER, "client is not reading fast enough; resume with 'since'");
        }
    }

    /**
     * Writes without flushing (fan-out): the fan-out flushes the event loops' writers once each
     * loop has delivered its share of the batch read from Redis.
     */
    public void sendDeferred(SharedFrame message) {
        if (closed.get()) {
            return;
        }
        if (!outbound.write(message)) {
            close(CloseStatus.SLOW_CONSUMER, "client is not reading fast enough; resume with 'since'");
        }
    }

    /** Sends an error that does not close the connection. */
    public void error(GatewayException e, String ref, String channel) {
        send(ServerMessages.error(e.code(), e.getMessage(), ref, channel, e.details()));
    }

    /** Sends the error of a closing status, then closes with that status and the code as reason. */
    public void close(CloseStatus status, String message) {
        if (closed.compareAndSet(false, true)) {
            byte[] error = ServerMessages.error(ErrorCode.valueOf(status.name()), message, null, null, null);
            outbound.close(status.status(), status.name(), error);
        }
    }

    public boolean isClosed() {
        return closed.get() || !outbound.isOpen();
    }

    /** Marks the session closed without sending anything (the transport is already gone). */
    public boolean markClosed() {
        return closed.compareAndSet(false, true);
    }
}
