package io.pgrealtime.gateway.transport.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgrealtime.gateway.Gateway;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.gateway.session.Outbound;
import io.pgrealtime.gateway.session.SharedFrame;
import io.pgrealtime.gateway.transport.ChannelSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One raw WebSocket connection after the handshake: frames in, encoded messages out. Implements
 * {@link Outbound} over the Netty channel: writes are bounded by the channel's write-buffer high
 * water mark (the outbound buffer limit), so a client that does not read is reported, not buffered
 * without bound.
 */
final class WebSocketConnection extends SimpleChannelInboundHandler<WebSocketFrame> implements Outbound {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnection.class);

    private final Gateway gateway;
    private final Channel channel;
    private final Runnable onClose;
    private RawProtocolSession protocol;
    private volatile boolean closing;
    private Runnable release;
    private final ChannelSink sink;
    private ScheduledFuture<?> pings;

    WebSocketConnection(Gateway gateway, Channel channel, Runnable onClose) {
        this.gateway = gateway;
        this.channel = channel;
        this.onClose = onClose;
        this.sink = new ChannelSink(channel, gateway.loopWriter(channel.eventLoop()), this::overflow);
    }

    /** A queued message found the outbound buffer full (event loop). */
    private void overflow() {
        gateway.metrics().slowConsumer();
        if (protocol != null) {
            protocol.session().close(io.pgrealtime.gateway.session.CloseStatus.SLOW_CONSUMER,
                    "client is not reading fast enough; resume with 'since'");
        }
    }

    Channel channel() {
        return channel;
    }

    /** Runs when the connection closes (returns the user's connection slot). */
    void onRelease(Runnable r) {
        if (channel.isActive()) {
            this.release = r;
        } else {
            r.run();
        }
    }

    /** Attaches the authenticated session and starts reading frames (not before: nothing is accepted unauthenticated). */
    void bind(ClientSession session) {
        if (!channel.isActive()) {
            return;
        }
        // The token's expiry (and its refresh by 'auth') is the shared TokenLifetime's, armed here.
        this.protocol = new RawProtocolSession(gateway, session, channel.eventLoop());
        // Counted once authenticated; channelInactive counts it out.
        gateway.metrics().connected();
        long ping = gateway.config().getPingInterval().toMillis();
        pings = channel.eventLoop().scheduleAtFixedRate(() -> {
            if (!closing) {
                channel.writeAndFlush(new PingWebSocketFrame(), channel.voidPromise());
            }
        }, ping, ping, TimeUnit.MILLISECONDS);
        // Micronaut's HTTP handler reads on demand (autoRead off); WebSocket frames are read freely.
        channel.config().setAutoRead(true);
        channel.read();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (closing) {
            return;
        }
        if (frame instanceof TextWebSocketFrame text) {
            if (!io.netty.buffer.ByteBufUtil.isText(text.content(), StandardCharsets.UTF_8)) {
                // RFC 6455 §8.1: a text frame that is not UTF-8 fails the connection with 1007.
                closing = true;
                ctx.writeAndFlush(new CloseWebSocketFrame(1007, "invalid UTF-8")).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            try {
                protocol.policy().checkMessageSize(text.content().readableBytes());
            } catch (GatewayException e) {
                protocol.fail(e, null, null);
                return;
            }
            protocol.onText(text.text());
        } else if (frame instanceof BinaryWebSocketFrame) {
            protocol.fail(new GatewayException(ErrorCode.INVALID_MESSAGE, "binary frames are not supported; send JSON text"),
                    null, null);
        } else if (frame instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            closing = true;
            ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                closing = true;
                sink.closing();
                ctx.writeAndFlush(new CloseWebSocketFrame(1001, "idle timeout")).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (pings != null) {
            pings.cancel(false);
        }
        if (protocol != null) {
            protocol.session().markClosed();
            protocol.closed();
            gateway.metrics().disconnected();
        }
        if (release != null) {
            release.run();
        }
        onClose.run();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException && channel.isActive()) {
            // A fragmented message over the limit (the aggregator's refusal; the frame decoder answers
            // single oversize frames itself with 1009): close with 1009 too.
            LOG.debug("connection {}: {}", channel.id(), cause.getMessage());
            closing = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(1009, "message too big")).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedWebSocketFrameException
                || cause instanceof CorruptedFrameException) {
            // The decoder already answered with a close frame (1009 / 1002); nothing else to say.
            LOG.debug("connection {}: {}", channel.id(), cause.getMessage());
        } else {
            LOG.debug("connection {} failed: {}", channel.id(), cause.toString());
        }
        ctx.close();
    }

    /**
     * From the event loop: written and flushed at once. From other threads: through the loop's
     * {@link io.pgrealtime.gateway.transport.LoopWriter}, in order with the fan-out's writes.
     */
    @Override
    public boolean send(byte[] json) {
        if (!channel.isActive()) {
            return true;
        }
        if (!channel.isWritable()) {
            gateway.metrics().slowConsumer();
            return false;
        }
        if (channel.eventLoop().inEventLoop()) {
            channel.writeAndFlush(SharedFrame.textFrame(json), channel.voidPromise());
            return true;
        }
        return offered(sink.offer(SharedFrame.textFrame(json), true));
    }

    @Override
    public java.util.concurrent.Executor loop() {
        return channel.eventLoop();
    }

    @Override
    public boolean write(SharedFrame message) {
        return offered(sink.offer(message, false));
    }

    private boolean offered(boolean ok) {
        if (!ok) {
            gateway.metrics().slowConsumer();
        }
        return ok;
    }

    @Override
    public void close(int status, String reason, byte[] lastMessage) {
        closing = true;
        sink.closing();
        if (lastMessage != null) {
            channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(lastMessage)), channel.voidPromise());
        }
        channel.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
        // A client that does not read never lets that flush finish: do not wait for it.
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, 2, TimeUnit.SECONDS);
    }

    @Override
    public boolean isOpen() {
        return channel.isActive() && !closing;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
