package io.pgrealtime.testsupport;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/** Redis in a Docker container via Testcontainers ({@code -Drealtime.test.redis.image}, default redis:7). */
public final class ContainerRedisServer implements RedisServer {
    private final GenericContainer<?> container;

    public ContainerRedisServer(String image) {
        container = new GenericContainer<>(DockerImageName.parse(image)).withExposedPorts(6379);
    }

    @Override
    public void start() {
        container.start();
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(6379);
    }

    @Override
    public boolean canRestart() {
        return false;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("container backends do not support restart");
    }

    @Override
    public void kill() {
        throw new UnsupportedOperationException("container backends do not support restart");
    }

    @Override
    public String describe() {
        return "Redis container " + container.getDockerImageName();
    }

    @Override
    public void close() {
        container.stop();
    }
}
