package io.pgrealtime.gateway.transport.socketio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import io.pgrealtime.gateway.transport.socketio.codec.EngineDecoder;
import io.pgrealtime.gateway.transport.socketio.codec.EngineEncoder;
import io.pgrealtime.gateway.transport.socketio.codec.EnginePacket;
import io.pgrealtime.gateway.transport.socketio.codec.EngineProtocolException;
import io.pgrealtime.gateway.transport.socketio.codec.Handshake;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Engine.IO v4 over HTTP on Micronaut's port: the handshake, polling GET/POST (with CORS), and the
 * WebSocket transport with or without a preceding polling phase. Placed right after the HTTP
 * codec; requests for other paths pass through.
 */
public final class EngineIoHandler extends ChannelInboundHandlerAdapter {
    private final SocketIoServer server;
    private final String path;
    private HttpRequest current;
    private ByteBuf body;
    /** The rest of a request already answered (too large): its content is dropped up to its end, never passed on. */
    private boolean discarding;
    private long discarded;

    public EngineIoHandler(SocketIoServer server) {
        this.server = server;
        String p = server.gateway().config().getSocketPath();
        this.path = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (discarding && msg instanceof HttpContent content && !(msg instanceof HttpRequest)) {
            // Read to the end of the refused body before closing: closing while the client still sends
            // would reset the connection before it reads the 413. Bounded like the upgrade handler's.
            discarded += content.content().readableBytes();
            discarding = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            if (!discarding || discarded > 4L * server.gateway().config().getSocketMaxPayload()) {
                discarding = false;
                ctx.close();
            }
            return;
        }
        if (current != null) {
            if (msg instanceof HttpContent content) {
                if (body.readableBytes() + content.content().readableBytes() > server.gateway().config().getSocketMaxPayload()) {
                    discarding = !(msg instanceof LastHttpContent);
                    discarded = 0;
                    ReferenceCountUtil.release(msg);
                    reset();
                    respond(ctx, null, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "{\"code\":3,\"message\":\"Bad request\"}",
                            "application/json", !discarding);
                    return;
                }
                body.writeBytes(content.content());
                boolean last = msg instanceof LastHttpContent;
                ReferenceCountUtil.release(msg);
                if (last) {
                    HttpRequest req = current;
                    ByteBuf b = body;
                    current = null;
                    body = null;
                    try {
                        handle(ctx, req, b);
                    } finally {
                        b.release();
                    }
                }
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (msg instanceof HttpRequest req && isOurs(req)) {
            current = req;
            body = ctx.alloc().buffer();
            if (msg instanceof HttpContent) {
                channelRead(ctx, msg);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void reset() {
        current = null;
        if (body != null) {
            body.release();
            body = null;
        }
    }

    private boolean isOurs(HttpRequest req) {
        String p = new QueryStringDecoder(req.uri()).path();
        return p.equals(path) || p.equals(path + "/");
    }

    private void handle(ChannelHandlerContext ctx, HttpRequest req, ByteBuf content) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (req.method() == HttpMethod.OPTIONS) {
            preflight(ctx, req, origin);
            return;
        }
        if (!"4".equals(param(q, "EIO"))) {
            respond(ctx, origin, HttpResponseStatus.BAD_REQUEST, "{\"code\":5,\"message\":\"Unsupported protocol version\"}",
                    "application/json", false);
            return;
        }
        String transport = param(q, "transport");
        String sid = param(q, "sid");
        if ("websocket".equals(transport)) {
            websocket(ctx, req, sid, param(q, "token"));
            return;
        }
        if (!"polling".equals(transport)) {
            respond(ctx, origin, HttpResponseStatus.BAD_REQUEST, "{\"code\":0,\"message\":\"Transport unknown\"}",
                    "application/json", false);
            return;
        }
        if (sid == null && server.gateway().isDraining()) {
            respond(ctx, origin, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "{\"code\":4,\"message\":\"Server shutting down\"}", "application/json", false);
            return;
        }
        if (sid == null) {
            if (req.method() != HttpMethod.GET) {
                respond(ctx, origin, HttpResponseStatus.BAD_REQUEST, "{\"code\":2,\"message\":\"Bad handshake method\"}",
                        "application/json", false);
                return;
            }
            EngineSession s = server.open(ctx.channel().eventLoop(), param(q, "token"));
            respond(ctx, origin, HttpResponseStatus.OK, EngineEncoder.encodeTextFrame(EngineEncoder.openPacket(
                    Handshake.polling(s.sid()))), "text/plain; charset=UTF-8", false);
            return;
        }
        EngineSession s = server.get(sid);
        if (s == null) {
            respond(ctx, origin, HttpResponseStatus.BAD_REQUEST, "{\"code\":1,\"message\":\"Session ID unknown\"}",
                    "application/json", false);
            return;
        }
        if (req.method() == HttpMethod.GET) {
            boolean accepted = s.poll(ctx, payload -> ctx.channel().eventLoop().execute(() ->
                    respond(ctx, origin, HttpResponseStatus.OK, payload, "text/plain; charset=UTF-8", false)));
            if (!accepted) {
                // Two polls at once break the protocol: end the session, as the reference server does.
                s.close("multiple polls");
                respond(ctx, origin, HttpResponseStatus.BAD_REQUEST, "{\"code\":3,\"message\":\"Bad request\"}",
                        "application/json", false);
            }
            return;
        }
        if (req.method() == HttpMethod.POST) {
            try {
                List<EnginePacket> packets = new EngineDecoder(server.gateway().config().getSocketMaxPayload())
                        .decodePayload(content.toString(StandardCharsets.UTF_8));
                for (EnginePacket p : packets) {
                    EngineDispatch.dispatch(s, p, null);
                }
                respond(ctx, origin, HttpResponseStatus.OK, "ok", "text/html", false);
            } catch (EngineProtocolException e) {
                s.close("parse error");
                respond(ctx, origin, HttpResponseStatus.BAD_REQUEST, "{\"code\":3,\"message\":\"Bad request\"}",
                        "application/json", false);
            }
            return;
        }
        respond(ctx, origin, HttpResponseStatus.BAD_REQUEST, "{\"code\":3,\"message\":\"Bad request\"}", "application/json", false);
    }

    private void websocket(ChannelHandlerContext ctx, HttpRequest req, String sid, String token) {
        EngineSession existing = sid == null ? null : server.get(sid);
        if (sid == null && server.gateway().isDraining()) {
            respond(ctx, null, HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"code\":4,\"message\":\"Server shutting down\"}",
                    "application/json", false);
            return;
        }
        if (sid != null && existing == null) {
            respond(ctx, null, HttpResponseStatus.BAD_REQUEST, "{\"code\":1,\"message\":\"Session ID unknown\"}",
                    "application/json", false);
            return;
        }
        DefaultFullHttpRequest full = new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(),
                Unpooled.EMPTY_BUFFER, req.headers(), EmptyHttpHeaders.INSTANCE);
        WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory("ws://" + req.headers().get(HttpHeaderNames.HOST,
                "localhost") + path, null, false, server.gateway().config().getSocketMaxPayload()).newHandshaker(full);
        if (hs == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        ChannelPipeline p = ctx.pipeline();
        io.pgrealtime.gateway.transport.Pipelines.takeOver(ctx);
        ctx.channel().config().setMessageSizeEstimator(io.pgrealtime.gateway.session.OutboundEstimator.INSTANCE);
        ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(
                server.gateway().config().getOutboundBufferBytes() / 2, server.gateway().config().getOutboundBufferBytes()));
        EngineSession session = existing != null ? existing : server.open(ctx.channel().eventLoop(), token);
        EngineWebSocketHandler handler = new EngineWebSocketHandler(server, session, existing != null);
        p.addAfter(ctx.name(), "pgrt-eio-aggregator", new WebSocketFrameAggregator(server.gateway().config().getSocketMaxPayload()));
        p.addAfter("pgrt-eio-aggregator", "pgrt-eio-ws", handler);
        p.remove(this);
        hs.handshake(ctx.channel(), full).addListener(f -> {
            if (!f.isSuccess()) {
                ctx.channel().close();
                return;
            }
            handler.start(ctx.channel());
        });
    }

    private static String param(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private void preflight(ChannelHandlerContext ctx, HttpRequest req, String origin) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        String allowed = server.allowedOrigin(origin);
        if (allowed != null) {
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
            String headers = req.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
            if (headers != null) {
                res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, headers);
            }
        }
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        ctx.writeAndFlush(res);
        ctx.read();
    }

    private void respond(ChannelHandlerContext ctx, String origin, HttpResponseStatus status, String text, String type,
                         boolean close) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(b));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, b.length);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        String allowed = server.allowedOrigin(origin);
        if (allowed != null) {
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (close) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        } else {
            HttpUtil.setKeepAlive(res, true);
            ctx.writeAndFlush(res);
            // Micronaut reads on demand; ask for the next request ourselves.
            ctx.read();
        }
    }
}
