package io.pgrealtime.gateway.config;

import io.lettuce.core.RedisURI;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.pgrealtime.runtime.SettingException;
import io.pgrealtime.runtime.Settings;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;

/**
 * Gateway configuration, prefix {@value #PREFIX}. Defaults are the limits of protocol.md §5.
 * The environment variables operators know ({@code SOCKET_REDIS_URL}, {@code REDIS_URL},
 * {@code JWT_SECRET}, {@code JWKS_URL}, {@code REALTIME_KEY_PREFIX}, {@code SOCKET_*}) are mapped one
 * to one in {@code application.yml} with empty defaults; {@link #redisUri()} picks and validates the
 * Redis address in code and {@link #validate()} checks every setting at start, throwing a
 * {@link SettingException} that names the variable to fix.
 *
 * <p>Mutable bean for Micronaut binding; tests build one with {@code new GatewayConfig()} and setters.
 */
@ConfigurationProperties(GatewayConfig.PREFIX)
public class GatewayConfig {
    public static final String PREFIX = "gateway";

    /** Redis address when none is set. */
    public static final String DEFAULT_REDIS_URL = "redis://localhost:6379";
    /** Shortest HS256 secret accepted (RFC 7518 §3.2: a key at least as long as the hash). */
    public static final int MIN_SECRET_BYTES = 32;

    private String redisUrl;
    private String socketRedisUrl;
    private String jwksUrl;
    private String keyPrefix = "rt:";
    private String path = "/realtime";
    private String nodeId = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    private String jwtSecret;
    private String jwtIssuer;
    private String jwtAudience;
    private String roleClaim = "role";
    private String rolesClaim = "roles";
    private String adminRole = "admin";
    private int connectionsPerUser = 10;
    private int subscriptionsPerConnection = 100;
    private int messagesPerMinute = 100;
    private int maxFrameBytes = 64 * 1024;
    private int maxEventBytes = 1024 * 1024;
    private int outboundBufferBytes = 1024 * 1024;
    private Duration pingInterval = Duration.ofSeconds(25);
    private Duration idleTimeout = Duration.ofSeconds(120);
    private Duration presenceTtl = Duration.ofSeconds(10);
    private int replayLimit = 10_000;
    private Duration streamBlock = Duration.ofSeconds(1);
    private Duration writeDelay = Duration.ZERO;
    private boolean socketEnabled = true;
    private String socketPath = "/socket.io";
    private String socketCorsOrigins = "";
    private Duration socketPingInterval = Duration.ofSeconds(25);
    private Duration socketPingTimeout = Duration.ofSeconds(20);
    private int socketMaxPayload = 1_000_000;

    /** Serve Socket.IO ({@code SOCKET_ENABLED}); default true. */
    public boolean isSocketEnabled() {
        return socketEnabled;
    }

    public void setSocketEnabled(boolean socketEnabled) {
        this.socketEnabled = socketEnabled;
    }

    /** Socket.IO path ({@code SOCKET_PATH}); default {@code /socket.io}. */
    public String getSocketPath() {
        return socketPath == null || socketPath.isBlank() ? "/socket.io" : socketPath;
    }

    public void setSocketPath(String socketPath) {
        this.socketPath = socketPath;
    }

    /** Origins allowed to use polling cross-origin ({@code SOCKET_CORS_ENABLED_ORIGINS}, comma-separated, or {@code *}); default none. */
    public String getSocketCorsOrigins() {
        return socketCorsOrigins;
    }

    public void setSocketCorsOrigins(String socketCorsOrigins) {
        this.socketCorsOrigins = socketCorsOrigins;
    }

    /** Engine.IO ping interval; default 25 s. */
    public Duration getSocketPingInterval() {
        return socketPingInterval;
    }

    public void setSocketPingInterval(Duration socketPingInterval) {
        this.socketPingInterval = socketPingInterval;
    }

    /** Engine.IO ping timeout; default 20 s. */
    public Duration getSocketPingTimeout() {
        return socketPingTimeout;
    }

    public void setSocketPingTimeout(Duration socketPingTimeout) {
        this.socketPingTimeout = socketPingTimeout;
    }

    /** Engine.IO maxPayload (bytes of one polling POST or WebSocket message); default 1,000,000. */
    public int getSocketMaxPayload() {
        return socketMaxPayload;
    }

    public void setSocketMaxPayload(int socketMaxPayload) {
        this.socketMaxPayload = socketMaxPayload;
    }

    /**
     * The Redis address, validated: {@code SOCKET_REDIS_URL} when set, else {@code REDIS_URL},
     * else {@value #DEFAULT_REDIS_URL}.
     *
     * @throws SettingException naming the variable that is wrong
     */
    public RedisURI redisUri() {
        if (Settings.blankToNull(socketRedisUrl) != null) {
            return Settings.redisUri(socketRedisUrl, "SOCKET_REDIS_URL (gateway.socket-redis-url)");
        }
        return Settings.redisUri(Settings.firstSet(redisUrl, DEFAULT_REDIS_URL), "REDIS_URL (gateway.redis-url)");
    }

    /**
     * Checks every setting an operator gives; called once at start.
     *
     * @throws SettingException naming the first setting that is wrong
     */
    public GatewayConfig validate() {
        redisUri();
        if (Settings.blankToNull(jwksUrl) != null) {
            throw new SettingException("JWKS_URL (gateway.jwks-url)", "is not supported by this version; verify HS256 tokens with JWT_SECRET");
        }
        String secret = Settings.blankToNull(jwtSecret);
        if (secret == null) {
            throw new SettingException("JWT_SECRET (gateway.jwt-secret)", "is not set; the gateway verifies HS256 tokens with it (at least "
                    + MIN_SECRET_BYTES + " bytes)");
        }
        if (secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new SettingException("JWT_SECRET (gateway.jwt-secret)", "is too short: HS256 needs at least " + MIN_SECRET_BYTES + " bytes");
        }
        if (path == null || !path.startsWith("/")) {
            throw new SettingException("gateway.path", "must start with /");
        }
        if (!getSocketPath().startsWith("/")) {
            throw new SettingException("SOCKET_PATH (gateway.socket-path)", "must start with / (got '" + socketPath + "')");
        }
        return this;
    }

    /** {@code REDIS_URL} as given (may be null); {@link #redisUri()} is the validated address. */
    public String getRedisUrl() {
        return redisUrl;
    }

    /** {@code SOCKET_REDIS_URL} as given (may be null); takes precedence over {@link #getRedisUrl()}. */
    public String getSocketRedisUrl() {
        return socketRedisUrl;
    }

    public void setSocketRedisUrl(String socketRedisUrl) {
        this.socketRedisUrl = socketRedisUrl;
    }

    /** {@code JWKS_URL}: not supported by this version; setting it stops the gateway at start. */
    public String getJwksUrl() {
        return jwksUrl;
    }

    public void setJwksUrl(String jwksUrl) {
        this.jwksUrl = jwksUrl;
    }

    public void setRedisUrl(String redisUrl) {
        this.redisUrl = redisUrl;
    }

    /** Key prefix shared with the relay; default {@code rt:}. */
    public String getKeyPrefix() {
        return keyPrefix == null || keyPrefix.isEmpty() ? "rt:" : keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    /** Path of the raw WebSocket endpoint; default {@code /realtime}. */
    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    /** This node's id in presence and connection counts; default process name plus a random suffix. */
    public String getNodeId() {
        return nodeId;
    }

    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    /** HS256 secret ({@code JWT_SECRET}); required. */
    public String getJwtSecret() {
        return jwtSecret;
    }

    public void setJwtSecret(String jwtSecret) {
        this.jwtSecret = jwtSecret;
    }

    /** Expected {@code iss}, checked when set. */
    public String getJwtIssuer() {
        return jwtIssuer;
    }

    public void setJwtIssuer(String jwtIssuer) {
        this.jwtIssuer = jwtIssuer;
    }

    /** Expected {@code aud}, checked when set. */
    public String getJwtAudience() {
        return jwtAudience;
    }

    public void setJwtAudience(String jwtAudience) {
        this.jwtAudience = jwtAudience;
    }

    /** Claim holding one role (string); default {@code role}. */
    public String getRoleClaim() {
        return roleClaim;
    }

    public void setRoleClaim(String roleClaim) {
        this.roleClaim = roleClaim;
    }

    /** Claim holding several roles (array); default {@code roles}. */
    public String getRolesClaim() {
        return rolesClaim;
    }

    public void setRolesClaim(String rolesClaim) {
        this.rolesClaim = rolesClaim;
    }

    /** Role that may use admin endpoints and read every enabled table; default {@code admin}. */
    public String getAdminRole() {
        return adminRole;
    }

    public void setAdminRole(String adminRole) {
        this.adminRole = adminRole;
    }

    /** Connections one user may hold across all nodes; default 10. */
    public int getConnectionsPerUser() {
        return connectionsPerUser;
    }

    public void setConnectionsPerUser(int connectionsPerUser) {
        this.connectionsPerUser = connectionsPerUser;
    }

    /** Subscriptions one connection may hold; default 100. */
    public int getSubscriptionsPerConnection() {
        return subscriptionsPerConnection;
    }

    public void setSubscriptionsPerConnection(int subscriptionsPerConnection) {
        this.subscriptionsPerConnection = subscriptionsPerConnection;
    }

    /** Inbound messages per connection per minute; excess gets RATE_LIMITED and is dropped. Default 100. */
    public int getMessagesPerMinute() {
        return messagesPerMinute;
    }

    public void setMessagesPerMinute(int messagesPerMinute) {
        this.messagesPerMinute = messagesPerMinute;
    }

    /** Largest inbound message; larger ones get INVALID_MESSAGE. Default 64 KiB. */
    public int getMaxFrameBytes() {
        return maxFrameBytes;
    }

    public void setMaxFrameBytes(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Largest outbound change event; larger ones are replaced by a notice without the row. Default 1 MiB. */
    public int getMaxEventBytes() {
        return maxEventBytes;
    }

    public void setMaxEventBytes(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Bytes queued for one connection before it is dropped with SLOW_CONSUMER; each queued message
     * counts its payload plus 512 bytes of overhead. Worst-case heap for slow clients is about this
     * times the connections. Default 1 MiB.
     */
    public int getOutboundBufferBytes() {
        return outboundBufferBytes;
    }

    public void setOutboundBufferBytes(int outboundBufferBytes) {
        this.outboundBufferBytes = outboundBufferBytes;
    }

    /**
     * Least time between two batches of writes on one event loop: up to this much latency is added
     * so that more messages share each system call under load. Default 0 (a batch starts as soon as
     * the loop is free, which already batches whatever arrived while the previous one was written).
     */
    public Duration getWriteDelay() {
        return writeDelay;
    }

    public void setWriteDelay(Duration writeDelay) {
        this.writeDelay = writeDelay;
    }

    /** Server ping interval; default 25 s. */
    public Duration getPingInterval() {
        return pingInterval;
    }

    public void setPingInterval(Duration pingInterval) {
        this.pingInterval = pingInterval;
    }

    /** A connection silent this long is closed; default 120 s. */
    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    /** Lease of this node's presence entries; a crashed node's members leave within it. Default 10 s. */
    public Duration getPresenceTtl() {
        return presenceTtl;
    }

    public void setPresenceTtl(Duration presenceTtl) {
        this.presenceTtl = presenceTtl;
    }

    /** Most events replayed for one {@code since}; more means {@code recovered:false}. Default 10,000. */
    public int getReplayLimit() {
        return replayLimit;
    }

    public void setReplayLimit(int replayLimit) {
        this.replayLimit = replayLimit;
    }

    /** XREAD BLOCK timeout of the stream reader; default 1 s. */
    public Duration getStreamBlock() {
        return streamBlock;
    }

    public void setStreamBlock(Duration streamBlock) {
        this.streamBlock = streamBlock;
    }
}
