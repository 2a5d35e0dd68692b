package io.pgrealtime.gateway.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.gateway.Gateway;
import io.pgrealtime.gateway.api.RealtimeServer;
import io.pgrealtime.gateway.auth.AuthException;
import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.channel.RoomPolicy;
import io.pgrealtime.gateway.session.ClientSession;
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
    private volatile ClientSession session;
    private volatile SocketIoEvents events;
    private boolean connecting;

    SocketIoConnection(Gateway gateway, RealtimeServer api, EngineSession engine, String queryToken) {
        this.gateway = gateway;
        this.api = api;
        this.engine = engine;
        this.queryToken = queryToken;
    }

    void onText(String text) {
        try {
            decoder.decodeText(text).ifPresent(this::handle);
        } catch (SocketProtocolException e) {
            LOG.debug("socket {}: malformed packet: {}", engine.sid(), e.getMessage());
            engine.close("parse error");
        }
    }

    void onBinary(byte[] data) {
        try {
            decoder.decodeBinary(data).ifPresent(this::handle);
        } catch (SocketProtocolException e) {
            engine.close("parse error");
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
            ObjectNode err = Json.object().put("message", "UNAUTHORIZED");
            err.putObject("data").put("code", e.code().name()).put("message", e.getMessage());
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
        this.events = new SocketIoEvents(gateway, api, s, this::ack);
        this.session = s;
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
        ClientSession s = session;
        if (s == null || !s.markClosed()) {
            return;
        }
        gateway.tables().closed(s);
        gateway.broadcasts().closed(s);
        gateway.presence().closed(s);
        if (s.principal().userId() != null) {
            gateway.connections().release(s.principal().userId(), s.id());
        }
        gateway.metrics().disconnected();
    }

}
