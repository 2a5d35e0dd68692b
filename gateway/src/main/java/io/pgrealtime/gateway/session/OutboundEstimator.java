package io.pgrealtime.gateway.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.MessageSizeEstimator;

/**
 * Charges each queued message its bytes plus a fixed overhead against a connection's outbound
 * buffer. The bytes of a fan-out message are shared by every connection, but each queued write
 * still costs its own objects (frame, buffer wrapper, write task: a few hundred bytes of heap);
 * counting only the payload let thousands of slow connections queue millions of small messages
 * and exhaust the heap (found by the 5,000-connection fan-out benchmark).
 */
public final class OutboundEstimator implements MessageSizeEstimator {
    /** Charged per message on top of its payload. */
    public static final int OVERHEAD = 512;
    public static final OutboundEstimator INSTANCE = new OutboundEstimator();

    private final Handle handle = msg -> (msg instanceof ByteBufHolder h ? h.content().readableBytes()
            : msg instanceof ByteBuf b ? b.readableBytes() : 0) + OVERHEAD;

    private OutboundEstimator() {
    }

    @Override
    public Handle newHandle() {
        return handle;
    }
}
