package io.pgrealtime.gateway.transport.socketio;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.pgrealtime.gateway.transport.socketio.codec.EnginePacket;

/** What an Engine.IO packet from the client does to its session, whichever transport carried it. */
final class EngineDispatch {
    private EngineDispatch() {
    }

    /**
     * @param ws the WebSocket it came on, or null for polling
     */
    static void dispatch(EngineSession s, EnginePacket p, Channel ws) {
        if (p instanceof EnginePacket.Binary b) {
            s.socket().onBinary(b.data());
            return;
        }
        EnginePacket.Text t = (EnginePacket.Text) p;
        switch (t.type()) {
            case PING -> {
                if ("probe".equals(t.data()) && ws != null) {
                    s.probe(ws);
                    ws.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'3', 'p', 'r', 'o', 'b', 'e'})));
                }
            }
            case PONG -> s.pong();
            case UPGRADE -> s.upgrade();
            case MESSAGE -> s.socket().onText(t.data());
            case CLOSE -> s.close("client close");
            default -> {
                // OPEN and NOOP from a client mean nothing.
            }
        }
    }
}
