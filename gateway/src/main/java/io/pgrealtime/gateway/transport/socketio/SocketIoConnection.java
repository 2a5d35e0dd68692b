package io.pgrealtime.gateway.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.gateway.Gateway;
import io.pgrealtime.gateway.api.RealtimeServer;
import io.pgrealtime.gateway.auth.AuthException;
import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.channel.RoomPolicy;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.gateway.session.CloseStatus;
import io.pgrealtime.gateway.session.RateLimiter;
import io.pgrealtime.gateway.session.SessionPolicy;
import io.pgrealtime.gateway.session.TokenLifetime;
import io.pgrealtime.gateway.transport.socketio.codec.SocketDecoder;
import io.pgrealtime.gateway.transport.socketio.codec.SocketEncoder;
import io.pgrealtime.gateway.transport.socketio.codec.SocketPacket;
import io.pgrealtime.gateway.transport.socketio.codec.SocketPacketType;
import io.pgrealtime.gateway.transport.socketio.codec.SocketProtocolException;
import io.pgrealtime.protocol.BroadcastChannel;
import io.pgrealtime.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * The Socket.IO v5 layer of one Engine.IO session: CONNECT with authentication on the default
 * namespace, EVENT dispatch to {@link SocketIoEvents}, ACK encoding, DISCONNECT. Malformed packets
 * end the session (as the reference server does); nothing thrown reaches the transport.
 */
final class SocketIoConnection {
    private static final Logger LOG = LoggerFactory.getLogger(SocketIoConnection.class);

    private final Gateway gateway;
    private final RealtimeServer api;
    private final EngineSession engine;
    private final String queryToken;
    private final SocketDecoder decoder = new SocketDecoder();
    private final SessionPolicy policy;
    /** Guarded by itself: packets arrive on the event loops of whichever HTTP connections carry them. */
    private final RateLimiter rate;
    private volatile ClientSession session;
    private volatile SocketIoEvents events;
    private volatile TokenLifetime token;
    private boolean connecting;
    /** The engine session ended (guarded by this). */
    private boolean ended;

    SocketIoConnection(Gateway gateway, RealtimeServer api, EngineSession engine, String queryToken) {
        this.gateway = gateway;
        this.api = api;
        this.engine = engine;
        this.queryToken = queryToken;
        this.policy = gateway.policy();
        this.rate = policy.newRateLimiter();
    }

    void onText(String text) {
        // One Socket.IO packet is at most gateway.max-frame-bytes, as a raw frame is. A UTF-8 char
        // takes at most 3 bytes per UTF-16 unit, so the exact count is needed only near the limit.
        long bytes = (long) text.length() * 3 <= policy.maxMessageBytes() ? text.length()
                : text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > policy.maxMessageBytes()) {
            oversize(bytes, text);
            return;
        }
        try {
            decoder.decodeText(text).ifPresent(this::handle);
        } catch (SocketProtocolException e) {
            LOG.debug("socket {}: malformed packet: {}", engine.sid(), e.getMessage());
            engine.close("parse error");
        }
    }

    void onBinary(byte[] data) {
        if (data.length > policy.maxMessageBytes()) {
            // An attachment of a binary event: the event's ack id is in its header, already decoded.
            decoder.reset();
            refuse(null, new GatewayException(ErrorCode.INVALID_MESSAGE, "attachment of " + data.length
                    + " bytes is over the limit of " + policy.maxMessageBytes()));
            return;
        }
        try {
            decoder.decodeBinary(data).ifPresent(this::handle);
        } catch (SocketProtocolException e) {
            engine.close("parse error");
        }
    }

    /** A packet over the size limit: refused with INVALID_MESSAGE (on its ack when it has one), dropped. */
    private void oversize(long bytes, String text) {
        if (session == null) {
            // Nothing that large belongs before CONNECT.
            engine.close("message too large");
            return;
        }
        refuse(ackIdOf(text), new GatewayException(ErrorCode.INVALID_MESSAGE, "message of " + bytes
                + " bytes is over the limit of " + policy.maxMessageBytes()));
    }

    /** The ack id of an EVENT packet's text ({@code 2[/nsp,]<id>[…]}), read without decoding the rest. */
    static Integer ackIdOf(String text) {
        if (text.isEmpty() || text.charAt(0) != '2') {
            return null;
        }
        int i = 1;
        if (i < text.length() && text.charAt(i) == '/') {
            int comma = text.indexOf(',', i);
            if (comma < 0) {
                return null;
            }
            i = comma + 1;
        }
        int start = i;
        while (i < text.length() && i - start < 10 && Character.isDigit(text.charAt(i))) {
            i++;
        }
        if (i == start || i >= text.length() || text.charAt(i) != '[') {
            return null;
        }
        try {
            return Integer.valueOf(text.substring(start, i));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Answers a refused event: its ack with the error when it asked for one, else {@code subscription.error}. */
    private void refuse(Integer ackId, GatewayException e) {
        gateway.metrics().error();
        if (ackId != null) {
            ack(ackId, SocketIoEvents.error(SocketIoEvents.code(e), e.getMessage(), null));
        } else if (session != null) {
            session.send(SocketIoWire.error(SocketIoEvents.code(e), e.getMessage()));
        }
    }

    private void handle(SocketPacket p) {
        if (p.type() == SocketPacketType.CONNECT) {
            connect(p);
            return;
        }
        if (!SocketPacket.DEFAULT_NAMESPACE.equals(p.namespace())) {
            return;
        }
        ClientSession s = session;
        if (s == null) {
            return;
        }
        switch (p.type()) {
            case EVENT, BINARY_EVENT -> {
                boolean allowed;
                synchronized (rate) {
                    allowed = rate.tryAcquire();
                }
                if (!allowed) {
                    refuse(p.ackId(), policy.rateLimited());
                    return;
                }
                try {
                    events.dispatch(p.eventName(), p.arguments().isEmpty() ? null : p.arguments().get(0), p.ackId());
                } catch (RuntimeException e) {
                    LOG.warn("socket {}: event {} failed", s.id(), p.eventName(), e);
                    if (p.ackId() != null) {
                        ack(p.ackId(), SocketIoEvents.error("INTERNAL_ERROR", "internal error; try again", null));
                    }
                }
            }
            case DISCONNECT -> engine.close("client namespace disconnect");
            default -> {
                // ACK from the client: the server never asks for acks.
            }
        }
    }

    private void connect(SocketPacket p) {
        if (!SocketPacket.DEFAULT_NAMESPACE.equals(p.namespace())) {
            ObjectNode err = Json.object().put("message", "Invalid namespace");
            sendPacket(SocketPacket.connectError(p.namespace(), err));
            return;
        }
        if (session != null || connecting) {
            return;
        }
        String token = p.data() != null && p.data().hasNonNull("token") ? p.data().get("token").asText() : queryToken;
        Principal principal;
        try {
            if (token == null || token.isBlank()) {
                throw new AuthException(AuthException.Code.UNAUTHORIZED, "Invalid or expired token");
            }
            principal = gateway.verifier().verify(token);
        } catch (AuthException e) {
            // protocol.md §2: any bad token at the handshake is UNAUTHORIZED, an expired one too
            // (TOKEN_EXPIRED is for a token that runs out during a connection), as on the raw
            // WebSocket, whose refusal says "Invalid or expired token" whatever the cause.
            ObjectNode err = Json.object().put("message", "UNAUTHORIZED");
            err.putObject("data").put("code", "UNAUTHORIZED").put("message", "Invalid or expired token");
            sendPacket(SocketPacket.connectError(SocketPacket.DEFAULT_NAMESPACE, err));
            return;
        }
        connecting = true;
        ClientSession s = new ClientSession(gateway.nextConnectionId(), principal, engine, "socket.io", SocketIoWire.INSTANCE);
        int limit = gateway.config().getConnectionsPerUser();
        (principal.userId() == null ? java.util.concurrent.CompletableFuture.completedFuture(true)
                : gateway.connections().tryAcquire(principal.userId(), s.id(), limit)).whenComplete((ok, err) -> {
            if (err != null || !Boolean.TRUE.equals(ok)) {
                ObjectNode e = Json.object().put("message", "CONNECTION_LIMIT_EXCEEDED");
                e.putObject("data").put("code", "CONNECTION_LIMIT_EXCEEDED")
                        .put("message", "user " + principal.userId() + " already has " + limit + " connections");
                sendPacket(SocketPacket.connectError(SocketPacket.DEFAULT_NAMESPACE, e));
                connecting = false;
                return;
            }
            accepted(s);
        });
    }

    private void accepted(ClientSession s) {
        synchronized (this) {
            if (ended) {
                // The engine session closed while the connection slot was being taken: give it back.
                if (s.principal().userId() != null) {
                    gateway.connections().release(s.principal().userId(), s.id());
                }
                return;
            }
            this.token = new TokenLifetime(gateway.verifier(), s, engine.timers(),
                    () -> s.close(CloseStatus.TOKEN_EXPIRED, "token expired; emit 'auth' with a fresh token before it runs out"));
            this.events = new SocketIoEvents(gateway, api, s, this::ack, token);
            this.session = s;
            // The connections gauge counts authenticated connections: from here until closed().
            gateway.metrics().connected();
        }
        token.arm();
        sendPacket(SocketPacket.connect(SocketPacket.DEFAULT_NAMESPACE, Json.object().put("sid", s.id())));
        String userId = s.principal().userId();
        ObjectNode hello = Json.object();
        hello.put("userId", userId);
        hello.put("socketId", s.id());
        s.send(SocketIoWire.event("connected", hello));
        // Automatic rooms: the user's, the socket's own (for direct messages), and everyone's. They
        // are reserved (RoomPolicy): clients can neither join, leave nor send to them.
        if (userId != null) {
            automatic(s, RoomPolicy.userRoom(userId));
        }
        automatic(s, RoomPolicy.socketRoom(s.id()));
        automatic(s, RoomPolicy.ALL_SOCKETS);
    }

    private void automatic(ClientSession s, String room) {
        gateway.broadcasts().subscribe(s, room, new BroadcastChannel(room));
    }

    /** Sends the ack for {@code ackId} with one argument. */
    void ack(Integer ackId, JsonNode response) {
        if (ackId != null) {
            sendPacket(SocketPacket.ack(ackId, response));
        }
    }

    private void sendPacket(SocketPacket p) {
        SocketEncoder.Encoded e = SocketEncoder.encode(p);
        engine.send(("4" + e.text()).getBytes(StandardCharsets.UTF_8));
    }

    ClientSession session() {
        return session;
    }

    /** The engine session ended: leave everything, give the connection slot back. */
    void closed() {
        ClientSession s;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            s = session;
        }
        if (s == null) {
            return;
        }
        token.cancel();
        // Already marked closed when the server closed it (TOKEN_EXPIRED, SLOW_CONSUMER): the
        // cleanup below runs once all the same, guarded by 'ended'.
        s.markClosed();
        gateway.tables().closed(s);
        gateway.broadcasts().closed(s);
        gateway.presence().closed(s);
        if (s.principal().userId() != null) {
            gateway.connections().release(s.principal().userId(), s.id());
        }
        gateway.metrics().disconnected();
    }

}
