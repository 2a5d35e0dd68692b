package io.pgrealtime.gateway.transport.http;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Limits on the HTTP requests that open realtime connections, prefix {@code gateway.http}.
 *
 * @param requestHeaderTimeout how long a new connection may take to send its first request's
 *                             line and headers; a client that trickles them (slowloris) is
 *                             disconnected then. Default 10 s ({@code GATEWAY_HTTP_REQUEST_HEADER_TIMEOUT}).
 */
@ConfigurationProperties("gateway.http")
public record HttpLimits(@Bindable(defaultValue = "10s") Duration requestHeaderTimeout) {
    public HttpLimits {
        if (requestHeaderTimeout == null || requestHeaderTimeout.isNegative() || requestHeaderTimeout.isZero()) {
            throw new io.pgrealtime.runtime.SettingException("gateway.http.request-header-timeout", "must be a positive duration");
        }
    }
}
