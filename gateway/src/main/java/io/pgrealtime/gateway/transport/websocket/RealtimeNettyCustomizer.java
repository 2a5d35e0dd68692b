package io.pgrealtime.gateway.transport.websocket;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.pgrealtime.gateway.GatewayService;
import io.pgrealtime.gateway.transport.http.HttpLimits;
import io.pgrealtime.gateway.transport.http.RequestHeaderDeadline;
import io.pgrealtime.gateway.transport.socketio.EngineIoHandler;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

/**
 * Puts {@link WebSocketUpgradeHandler} into every HTTP/1.1 connection of Micronaut's Netty server,
 * right after the HTTP codec, so the realtime endpoints live on the application's own port.
 */
@Singleton
public class RealtimeNettyCustomizer implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    private final Provider<GatewayService> gateway;
    private final HttpLimits limits;

    public RealtimeNettyCustomizer(Provider<GatewayService> gateway, HttpLimits limits) {
        this.gateway = gateway;
        this.limits = limits;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        NettyServerCustomizer.Registry registry = event.getBean();
        registry.register(new Customizer(null));
        return registry;
    }

    private final class Customizer implements NettyServerCustomizer {
        private final Channel channel;

        Customizer(Channel channel) {
            this.channel = channel;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return role == ChannelRole.CONNECTION ? new Customizer(channel) : this;
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (channel == null || channel.pipeline().get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) == null) {
                return;
            }
            GatewayService g = gateway.get();
            channel.pipeline().addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, "pgrt-upgrade",
                    new WebSocketUpgradeHandler(g.gateway()));
            channel.pipeline().addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, "pgrt-header-deadline",
                    new RequestHeaderDeadline(limits.requestHeaderTimeout()));
            if (g.socketIo() != null) {
                channel.pipeline().addAfter("pgrt-upgrade", "pgrt-engineio", new EngineIoHandler(g.socketIo()));
            }
        }
    }
}
