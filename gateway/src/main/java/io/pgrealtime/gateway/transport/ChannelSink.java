package io.pgrealtime.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;

/**
 * The outbound side of one WebSocket channel, shared by both transports: messages from other
 * threads go through the channel's {@link LoopWriter}; a channel whose outbound buffer passes its
 * high-water mark (the configured outbound limit) refuses messages, and the caller drops the
 * client as a slow consumer.
 */
public final class ChannelSink extends LoopWriter.Sink {
    private final Channel channel;
    private final LoopWriter writer;
    private final Runnable onOverflow;
    private volatile boolean closing;
    /** Where frames enter the pipeline: just before the WebSocket encoder (loop only). */
    private ChannelHandlerContext writeContext;

    /**
     * @param onOverflow runs on the event loop when a queued message finds the buffer full (the
     *                   session is closed with SLOW_CONSUMER)
     */
    public ChannelSink(Channel channel, LoopWriter writer, Runnable onOverflow) {
        this.channel = channel;
        this.writer = writer;
        this.onOverflow = onOverflow;
    }

    public Channel channel() {
        return channel;
    }

    /** Nothing queued is written after this (a close frame has been sent). */
    public void closing() {
        this.closing = true;
    }

    /**
     * Queues one message (a {@link io.pgrealtime.gateway.session.SharedFrame}, a frame {@code ByteBuf}
     * or a {@code WebSocketFrame}); ownership passes to this sink.
     *
     * @param flush start a batch (false: the caller calls {@link #flush()} after more writes)
     * @return false if the outbound buffer is full (the message is released, not queued)
     */
    public boolean offer(Object message, boolean flush) {
        if (closing || !channel.isActive()) {
            ReferenceCountUtil.release(message);
            return true;
        }
        if (!channel.isWritable()) {
            ReferenceCountUtil.release(message);
            return false;
        }
        if (flush) {
            writer.writeAndFlush(this, message);
        } else {
            writer.write(this, message);
        }
        return true;
    }

    @Override
    protected void writeOnLoop(Object message) {
        if (closing || !channel.isActive()) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (!channel.isWritable()) {
            ReferenceCountUtil.release(message);
            onOverflow.run();
            return;
        }
        ChannelHandlerContext ctx = writeContext();
        if (ctx == null) {
            channel.write(message, channel.voidPromise());
        } else {
            ctx.write(message, ctx.voidPromise());
        }
    }

    @Override
    protected void flushOnLoop() {
        ChannelHandlerContext ctx = writeContext();
        if (ctx == null) {
            channel.flush();
        } else {
            ctx.flush();
        }
    }

    /**
     * The WebSocket encoder's context: frames written from it skip the handlers after it (which
     * have nothing to do with ready-made frames) but still pass any before it, such as TLS.
     */
    private ChannelHandlerContext writeContext() {
        if (writeContext == null || writeContext.isRemoved()) {
            writeContext = channel.pipeline().context(WS_ENCODER);
        }
        return writeContext;
    }

    /** The name Netty's WebSocket handshaker gives the frame encoder. */
    private static final String WS_ENCODER = "wsencoder";
}
