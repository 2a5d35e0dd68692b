package io.pgrealtime.gateway.transport.socketio;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.pgrealtime.gateway.transport.socketio.codec.EngineDecoder;
import io.pgrealtime.gateway.transport.socketio.codec.EngineEncoder;
import io.pgrealtime.gateway.transport.socketio.codec.EngineProtocolException;
import io.pgrealtime.gateway.transport.socketio.codec.Handshake;

import java.nio.charset.StandardCharsets;

/** Engine.IO packets over one WebSocket: a fresh session's transport, or the upgrade of a polling one. */
final class EngineWebSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final SocketIoServer server;
    private final EngineSession session;
    private final boolean upgrade;
    private final EngineDecoder decoder;
    private Channel channel;

    EngineWebSocketHandler(SocketIoServer server, EngineSession session, boolean upgrade) {
        this.server = server;
        this.session = session;
        this.upgrade = upgrade;
        this.decoder = new EngineDecoder(server.gateway().config().getSocketMaxPayload());
    }

    void start(Channel ch) {
        this.channel = ch;
        if (!upgrade) {
            session.websocketOnly(ch);
            String open = EngineEncoder.encodeTextFrame(EngineEncoder.openPacket(Handshake.websocket(session.sid())));
            ch.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(open.getBytes(StandardCharsets.UTF_8))));
        }
        ch.config().setAutoRead(true);
        ch.read();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        try {
            if (frame instanceof TextWebSocketFrame t && !ByteBufUtil.isText(t.content(), StandardCharsets.UTF_8)) {
                // RFC 6455 §8.1: a text frame that is not UTF-8 fails the connection with 1007.
                ctx.writeAndFlush(new CloseWebSocketFrame(1007, "invalid UTF-8")).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                session.close("invalid UTF-8");
            } else if (frame instanceof TextWebSocketFrame t) {
                EngineDispatch.dispatch(session, decoder.decodeTextFrame(t.text()), ctx.channel());
            } else if (frame instanceof BinaryWebSocketFrame b) {
                EngineDispatch.dispatch(session, decoder.decodeBinaryFrame(ByteBufUtil.getBytes(b.content())), ctx.channel());
            } else if (frame instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (frame instanceof CloseWebSocketFrame) {
                session.close("transport close");
                ctx.channel().close();
            }
        } catch (EngineProtocolException e) {
            session.close("parse error");
            ctx.writeAndFlush(new CloseWebSocketFrame(1002, "parse error")).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // A closed WebSocket ends the session once it carries it (after the upgrade, or from the start).
        if (!upgrade || session.isUpgraded()) {
            session.close("transport close");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof io.netty.handler.codec.TooLongFrameException && ctx.channel().isActive()) {
            // A fragmented message over maxPayload (the aggregator's refusal; the frame decoder answers
            // single oversize frames itself): say so with 1009 rather than dropping the connection.
            ctx.writeAndFlush(new CloseWebSocketFrame(1009, "message too big")).addListener(ChannelFutureListener.CLOSE);
            session.close("transport error");
            return;
        }
        session.close("transport error");
        ctx.close();
    }

    Channel channel() {
        return channel;
    }

    SocketIoServer server() {
        return server;
    }
}
