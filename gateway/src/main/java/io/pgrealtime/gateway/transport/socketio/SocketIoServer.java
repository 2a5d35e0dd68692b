package io.pgrealtime.gateway.transport.socketio;

import io.netty.channel.EventLoop;
import io.pgrealtime.gateway.Gateway;
import io.pgrealtime.gateway.api.RealtimeServer;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The node's Engine.IO sessions by sid, and the settings they share. Thread-safe. */
public final class SocketIoServer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Gateway gateway;
    private final RealtimeServer api;
    private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
    private final Set<String> corsOrigins;
    private final boolean corsAny;

    public SocketIoServer(Gateway gateway, RealtimeServer api) {
        this.gateway = gateway;
        this.api = api;
        String origins = gateway.config().getSocketCorsOrigins() == null ? "" : gateway.config().getSocketCorsOrigins();
        this.corsAny = origins.trim().equals("*");
        this.corsOrigins = Set.of(origins.split("\\s*,\\s*"));
    }

    Gateway gateway() {
        return gateway;
    }

    /** A new session with its Socket.IO layer. */
    EngineSession open(EventLoop loop, String queryToken) {
        byte[] raw = new byte[15];
        RANDOM.nextBytes(raw);
        String sid = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        EngineSession s = new EngineSession(sid, loop, gateway.config().getSocketPingInterval().toMillis(),
                gateway.config().getSocketPingTimeout().toMillis(), gateway.config().getOutboundBufferBytes(),
                closed -> {
                    sessions.remove(closed.sid());
                    gateway.closed(closed);
                }, gateway::loopWriter);
        s.socket(new SocketIoConnection(gateway, api, s, queryToken));
        sessions.put(sid, s);
        // Engine.IO close without a Socket.IO DISCONNECT: stock clients see "transport close" and reconnect.
        gateway.opened(s, () -> s.close("server shutting down"));
        // A session that never sends CONNECT holds memory and a place in 'open' without a user:
        // closed after gateway.socket-connect-timeout. (The connections gauge counts it only once
        // CONNECT succeeds: SocketIoConnection.)
        s.schedule(() -> {
            if (s.socket().session() == null) {
                s.close("connect timeout");
            }
        }, gateway.config().getSocketConnectTimeout().toMillis());
        return s;
    }

    EngineSession get(String sid) {
        return sid == null ? null : sessions.get(sid);
    }

    /** The value for Access-Control-Allow-Origin, or null when the origin may not use polling cross-origin. */
    String allowedOrigin(String origin) {
        if (origin == null) {
            return null;
        }
        return corsAny || corsOrigins.contains(origin) ? origin : null;
    }

    public int sessionCount() {
        return sessions.size();
    }
}
