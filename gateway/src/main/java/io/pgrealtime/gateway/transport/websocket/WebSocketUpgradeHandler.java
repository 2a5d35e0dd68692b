package io.pgrealtime.gateway.transport.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.pgrealtime.gateway.Gateway;
import io.pgrealtime.gateway.auth.AuthException;
import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.gateway.session.CloseStatus;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sits right after Micronaut's HTTP codec and takes over the requests for the raw WebSocket path:
 * authenticates the token ({@code ?token=} or {@code Authorization: Bearer}), performs the
 * WebSocket handshake, and replaces the rest of the pipeline with {@link WebSocketConnection}.
 * Every other request passes through to Micronaut untouched, so REST, health and metrics share
 * the port.
 */
public final class WebSocketUpgradeHandler extends ChannelInboundHandlerAdapter {
    /** Hard cap on one frame, far above the protocol's message limit, against memory exhaustion. */
    static final int MAX_WIRE_FRAME = 1024 * 1024;

    private final Gateway gateway;
    private HttpRequest pending;
    /**
     * The rest of a request already answered (refused): its content is dropped up to its end, never
     * passed on, and the connection is closed then (closing while the client still sends would reset
     * it before it reads the answer). At most {@link #MAX_DISCARD} bytes are read that way.
     */
    private boolean discarding;
    private long discarded;
    static final long MAX_DISCARD = 1024 * 1024;

    public WebSocketUpgradeHandler(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (discarding && msg instanceof HttpContent content && !(msg instanceof HttpRequest)) {
            discarded += content.content().readableBytes();
            discarding = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            if (!discarding || discarded > MAX_DISCARD) {
                discarding = false;
                ctx.close();
            }
            return;
        }
        if (pending != null) {
            // The body of an upgrade request (empty for a GET): wait for its end, then upgrade.
            if (msg instanceof LastHttpContent) {
                HttpRequest req = pending;
                pending = null;
                ReferenceCountUtil.release(msg);
                upgrade(ctx, req);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (msg instanceof HttpRequest req && req.decoderResult().isFailure() && isOurs(req)) {
            // The HTTP decoder gave up (a header or the request line over its limit) and passes on what it
            // read: never treat that as an upgrade; the decoder sends nothing more, so answer and close now.
            ReferenceCountUtil.release(msg);
            boolean tooLong = req.decoderResult().cause() instanceof io.netty.handler.codec.TooLongFrameException;
            reject(ctx, tooLong ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST,
                    "INVALID_MESSAGE", tooLong ? "request line or headers too large" : "malformed HTTP request");
            return;
        }
        if (msg instanceof HttpRequest req && isOurs(req)) {
            if (gateway.isDraining()) {
                discarding = !(msg instanceof LastHttpContent);
                discarded = 0;
                ReferenceCountUtil.release(msg);
                reject(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "SHUTTING_DOWN", "this node is shutting down; connect to another",
                        !discarding);
                return;
            }
            if (!isUpgrade(req)) {
                // 426 Upgrade Required (RFC 9110 §15.5.22) names what the client must do.
                discarding = !(msg instanceof LastHttpContent);
                discarded = 0;
                ReferenceCountUtil.release(msg);
                reject(ctx, HttpResponseStatus.UPGRADE_REQUIRED, "INVALID_MESSAGE", "expected a WebSocket upgrade request",
                        !discarding);
                return;
            }
            if (msg instanceof HttpContent content && content instanceof LastHttpContent) {
                ReferenceCountUtil.release(msg);
                upgrade(ctx, req);
            } else {
                pending = req;
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private boolean isOurs(HttpRequest req) {
        return new QueryStringDecoder(req.uri()).path().equals(gateway.config().getPath());
    }

    private static boolean isUpgrade(HttpRequest req) {
        return req.method() == HttpMethod.GET
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && req.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private void upgrade(ChannelHandlerContext ctx, HttpRequest req) {
        DefaultFullHttpRequest full = new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(),
                Unpooled.EMPTY_BUFFER, req.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + gateway.config().getPath(), null, false,
                MAX_WIRE_FRAME).newHandshaker(full);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        // Micronaut's handlers after this one are for HTTP; the connection is WebSocket from now on.
        ChannelPipeline p = ctx.pipeline();
        io.pgrealtime.gateway.transport.Pipelines.takeOver(ctx);
        ctx.channel().config().setMessageSizeEstimator(io.pgrealtime.gateway.session.OutboundEstimator.INSTANCE);
        ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(
                gateway.config().getOutboundBufferBytes() / 2, gateway.config().getOutboundBufferBytes()));
        WebSocketConnection[] self = new WebSocketConnection[1];
        // The connections gauge counts authenticated connections only (WebSocketConnection.bind).
        WebSocketConnection connection = new WebSocketConnection(gateway, ctx.channel(), () -> gateway.closed(self[0]));
        self[0] = connection;
        long idle = gateway.config().getIdleTimeout().toMillis();
        // Reader idleness only: tracking writes would cost a promise and a listener per message; pings run on a timer.
        p.addAfter(ctx.name(), "pgrt-idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS));
        p.addAfter("pgrt-idle", "pgrt-aggregator", new WebSocketFrameAggregator(MAX_WIRE_FRAME));
        p.addAfter("pgrt-aggregator", "pgrt-ws", connection);
        p.remove(this);
        handshaker.handshake(ctx.channel(), full).addListener(f -> {
            if (!f.isSuccess()) {
                ctx.channel().close();
                return;
            }
            gateway.opened(connection, () -> connection.close(1001, "going away", null));
            accept(connection, req);
        });
    }

    private void accept(WebSocketConnection connection, HttpRequest req) {
        String token = token(req);
        Principal principal;
        try {
            if (token == null) {
                throw new AuthException(AuthException.Code.UNAUTHORIZED, "Invalid or expired token");
            }
            principal = gateway.verifier().verify(token);
        } catch (AuthException e) {
            ClientSession rejected = new ClientSession(gateway.nextConnectionId(), Principal.ANONYMOUS, connection, "websocket", RawWire.INSTANCE);
            rejected.close(CloseStatus.UNAUTHORIZED, "Invalid or expired token");
            return;
        }
        ClientSession session = new ClientSession(gateway.nextConnectionId(), principal, connection, "websocket", RawWire.INSTANCE);
        if (principal.userId() == null) {
            connection.bind(session);
            return;
        }
        int limit = gateway.config().getConnectionsPerUser();
        gateway.connections().tryAcquire(principal.userId(), session.id(), limit).whenComplete((ok, err) ->
                connection.channel().eventLoop().execute(() -> {
                    if (err != null || !Boolean.TRUE.equals(ok)) {
                        session.close(CloseStatus.CONNECTION_LIMIT_EXCEEDED, err != null
                                ? "connection limit could not be checked; try again"
                                : "user " + principal.userId() + " already has " + limit + " connections");
                        return;
                    }
                    connection.bind(session);
                    connection.onRelease(() -> gateway.connections().release(principal.userId(), session.id()));
                }));
    }

    private static String token(HttpRequest req) {
        List<String> fromQuery = new QueryStringDecoder(req.uri()).parameters().get("token");
        if (fromQuery != null && !fromQuery.isEmpty() && !fromQuery.get(0).isBlank()) {
            return fromQuery.get(0);
        }
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        return null;
    }

    private static void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String code, String message) {
        reject(ctx, status, code, message, true);
    }

    /** Answers with a JSON error; closes once it is written, or (closeNow false) when the request's body has been read. */
    private static void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String code, String message, boolean closeNow) {
        byte[] body = ("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        // The connection ends after this answer either way; a 426 also names the protocol to upgrade to.
        if (status.code() == HttpResponseStatus.UPGRADE_REQUIRED.code()) {
            res.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            res.headers().set(HttpHeaderNames.CONNECTION, "Upgrade, close");
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (closeNow) {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(res);
        }
    }
}
