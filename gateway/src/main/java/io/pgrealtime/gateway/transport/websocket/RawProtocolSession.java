package io.pgrealtime.gateway.transport.websocket;

import io.pgrealtime.gateway.Gateway;
import io.pgrealtime.gateway.channel.RoomPolicy;
import io.pgrealtime.gateway.protocol.ClientMessage;
import io.pgrealtime.gateway.protocol.ClientMessageDecoder;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;
import io.pgrealtime.gateway.protocol.ServerMessages;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.gateway.session.CloseStatus;
import io.pgrealtime.gateway.session.RateLimiter;
import io.pgrealtime.gateway.session.SessionPolicy;
import io.pgrealtime.gateway.session.TokenLifetime;
import io.pgrealtime.gateway.subscription.TableChannels;
import io.pgrealtime.gateway.subscription.TableSubscription;
import io.pgrealtime.protocol.BroadcastChannel;
import io.pgrealtime.protocol.Channel;
import io.pgrealtime.protocol.PresenceChannel;
import io.pgrealtime.protocol.ChannelException;
import io.pgrealtime.protocol.TableChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The raw WebSocket JSON protocol (protocol.md §1) of one connection: decodes client messages and
 * maps them onto the channel services. Every failure becomes an error message in the protocol's
 * terms; nothing thrown here reaches the transport. Confined to the connection's event loop.
 */
final class RawProtocolSession {
    private static final Logger LOG = LoggerFactory.getLogger(RawProtocolSession.class);

    private final Gateway gateway;
    private final ClientSession session;
    private final RoomPolicy rooms;
    private final RateLimiter rate;
    private final SessionPolicy policy;
    private final TokenLifetime token;
    private final java.util.concurrent.Executor loop;

    /**
     * @param loop the connection's event loop: answers that must follow one written from another
     *             thread are queued on it, behind that write; it also runs the token's expiry
     */
    RawProtocolSession(Gateway gateway, ClientSession session, io.netty.channel.EventLoop loop) {
        this.loop = loop;
        this.gateway = gateway;
        this.session = session;
        this.rooms = gateway.broadcasts().rooms();
        this.policy = gateway.policy();
        this.rate = policy.newRateLimiter();
        this.token = new TokenLifetime(gateway.verifier(), session, loop, this::expired);
        token.arm();
    }

    /** The shared limits (the transport checks the frame size with them). */
    SessionPolicy policy() {
        return policy;
    }

    ClientSession session() {
        return session;
    }

    /** One text frame. */
    void onText(String text) {
        if (!rate.tryAcquire()) {
            fail(policy.rateLimited(), null, null);
            return;
        }
        ClientMessage message;
        try {
            message = ClientMessageDecoder.decode(text);
        } catch (ClientMessageDecoder.InvalidMessage e) {
            fail(e, e.ref(), null);
            return;
        }
        try {
            dispatch(message);
        } catch (GatewayException e) {
            fail(e, message.ref(), channelOf(message));
        } catch (ChannelException e) {
            fail(new GatewayException(ErrorCode.INVALID_CHANNEL, e.getMessage()), message.ref(), channelOf(message));
        } catch (RuntimeException e) {
            LOG.warn("unexpected failure handling {} from {}", message.getClass().getSimpleName(), session.id(), e);
            fail(new GatewayException(ErrorCode.SUBSCRIPTION_FAILED, "internal error; try again"), message.ref(),
                    channelOf(message));
        }
    }

    void fail(GatewayException e, String ref, String channel) {
        gateway.metrics().error();
        session.error(e, ref, channel);
    }

    private static String channelOf(ClientMessage m) {
        if (m instanceof ClientMessage.Subscribe s) {
            return s.channel();
        } else if (m instanceof ClientMessage.Unsubscribe u) {
            return u.channel();
        } else if (m instanceof ClientMessage.Broadcast b) {
            return b.channel();
        } else if (m instanceof ClientMessage.Presence p) {
            return p.channel();
        }
        return null;
    }

    private void dispatch(ClientMessage message) {
        if (message instanceof ClientMessage.Ping p) {
            session.send(ServerMessages.pong(p.ref()));
        } else if (message instanceof ClientMessage.Subscribe s) {
            subscribe(s);
        } else if (message instanceof ClientMessage.Unsubscribe u) {
            unsubscribe(u);
        } else if (message instanceof ClientMessage.Auth a) {
            auth(a);
        } else if (message instanceof ClientMessage.Broadcast b) {
            Channel channel = Channel.parse(b.channel());
            if (!(channel instanceof BroadcastChannel topic)) {
                throw new GatewayException(ErrorCode.INVALID_CHANNEL, "broadcast goes to a broadcast: channel");
            }
            rooms.checkJoin(session.principal(), topic.topic());
            RoomPolicy.checkEvent(b.event());
            gateway.broadcasts().publish(session, topic, b.event(), b.payload(), b.self());
            if (b.ref() != null) {
                session.send(ServerMessages.ack(topic.name(), "sent", b.ref(), null));
            }
        } else if (message instanceof ClientMessage.Presence p) {
            Channel channel = Channel.parse(p.channel());
            if (!(channel instanceof PresenceChannel room)) {
                throw new GatewayException(ErrorCode.INVALID_CHANNEL, "presence state goes to a presence: channel");
            }
            policy.checkPresenceState(p.state());
            gateway.presence().update(session, room, p.state());
            if (p.ref() != null) {
                session.send(ServerMessages.ack(room.name(), "updated", p.ref(), null));
            }
        }
    }

    private void subscribe(ClientMessage.Subscribe s) {
        Channel channel = Channel.parse(s.channel());
        if (channel instanceof TableChannel table) {
            gateway.tables().subscribe(session, table, s.filter(), s.since(), new TableChannels.SubscribeCallback() {
                @Override
                public void subscribed(TableSubscription sub, Boolean recovered) {
                    session.send(ServerMessages.ack(sub.channel(), "subscribed", s.ref(), recovered));
                }

                @Override
                public void failed(GatewayException error) {
                    fail(error, s.ref(), s.channel());
                }
            });
        } else if (channel instanceof BroadcastChannel topic) {
            rooms.checkJoin(session.principal(), topic.topic());
            if (s.filter() != null || s.since() != null) {
                throw new GatewayException(ErrorCode.INVALID_MESSAGE, "filter and since apply to table channels only");
            }
            policy.checkRoom(session, topic.topic());
            gateway.broadcasts().subscribe(session, topic).whenComplete((v, err) -> {
                if (err == null) {
                    session.send(ServerMessages.ack(topic.name(), "subscribed", s.ref(), null));
                } else {
                    fail(new GatewayException(ErrorCode.SUBSCRIPTION_FAILED, "subscription failed; try again"), s.ref(),
                            topic.name());
                }
            });
        } else if (channel instanceof PresenceChannel room) {
            rooms.checkJoin(session.principal(), room.room());
            policy.checkPresenceState(s.state());
            policy.checkRoom(session, room.room());
            gateway.presence().join(session, room, s.state(), () ->
                    session.send(ServerMessages.ack(room.name(), "subscribed", s.ref(), null)));
        }
    }

    private void unsubscribe(ClientMessage.Unsubscribe u) {
        Channel channel = Channel.parse(u.channel());
        if (channel instanceof TableChannel table) {
            var answered = gateway.tables().unsubscribeAfterAnswer(session, table.name());
            if (answered != null) {
                // The subscribe was answered from an I/O thread (a write queued on the event loop):
                // queue this answer behind it, so the client sees them in request order.
                byte[] ack = ServerMessages.ack(channel.name(), "unsubscribed", u.ref(), null);
                answered.whenComplete((v, e) -> loop.execute(() -> session.send(ack)));
                return;
            }
        } else if (channel instanceof BroadcastChannel topic) {
            RoomPolicy.checkNotReserved(topic.topic());
            gateway.broadcasts().unsubscribe(session, topic);
        } else if (channel instanceof PresenceChannel room) {
            RoomPolicy.checkNotReserved(room.room());
            gateway.presence().leave(session, room);
        }
        session.send(ServerMessages.ack(channel.name(), "unsubscribed", u.ref(), null));
    }

    private void auth(ClientMessage.Auth a) {
        token.refresh(a.token());
        session.send(ServerMessages.ack("authenticated", a.ref()));
    }

    /** Called when the token runs out without a refresh. */
    void expired() {
        session.close(CloseStatus.TOKEN_EXPIRED, "token expired; send 'auth' with a fresh token before it runs out");
    }

    /** Called when the transport closed. */
    void closed() {
        token.cancel();
        gateway.tables().closed(session);
        gateway.broadcasts().closed(session);
        gateway.presence().closed(session);
    }
}
