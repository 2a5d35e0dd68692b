package io.pgrealtime.gateway.transport;

import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;

import java.util.List;

/** Pipeline surgery shared by the WebSocket upgrades of both transports. */
public final class Pipelines {
    private Pipelines() {
    }

    /**
     * Removes Micronaut's HTTP handlers after {@code ctx} and its connection idle handler: from now
     * on the channel speaks WebSocket, whose idleness the transport watches itself (Micronaut's
     * handler would also cost a promise and a listener for every message written).
     */
    public static void takeOver(ChannelHandlerContext ctx) {
        ChannelPipeline p = ctx.pipeline();
        List<String> names = p.names();
        for (int i = names.indexOf(ctx.name()) + 1; i < names.size(); i++) {
            String name = names.get(i);
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
        if (p.get(ChannelPipelineCustomizer.HANDLER_IDLE_STATE) != null) {
            p.remove(ChannelPipelineCustomizer.HANDLER_IDLE_STATE);
        }
    }
}
