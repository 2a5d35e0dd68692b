package io.pgrealtime.testsupport;

import java.net.URI;

/** A Redis server we do not own, named by {@code redis://host:port}. It cannot be restarted by tests. */
public final class ExternalRedisServer implements RedisServer {
    private final String host;
    private final int port;

    public ExternalRedisServer(String url) {
        URI uri = URI.create(url);
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : 6379;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public boolean canRestart() {
        return false;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("an external Redis cannot be stopped by tests");
    }

    @Override
    public void kill() {
        throw new UnsupportedOperationException("an external Redis cannot be killed by tests");
    }

    @Override
    public void start() {
        // Nothing to do: the server runs on its own.
    }

    @Override
    public String describe() {
        return "external Redis at " + host + ":" + port;
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
