package io.pgrealtime.gateway.config;

import io.lettuce.core.RedisURI;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.pgrealtime.gateway.auth.TokenSettings;
import io.pgrealtime.runtime.SettingException;
import io.pgrealtime.runtime.Settings;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;

/**
 * Gateway configuration, prefix {@value #PREFIX}. Defaults are the limits of protocol.md §5.
 * The environment variables operators know ({@code SOCKET_REDIS_URL}, {@code REDIS_URL},
 * {@code JWT_*}, {@code JWKS_*}, {@code REALTIME_KEY_PREFIX}, {@code SOCKET_*}) are mapped one
 * to one in {@code application.yml} with empty defaults; {@link #redisUri()} picks and validates the
 * Redis address in code, {@link #tokenSettings()} parses the token settings (kept as text here so a
 * bad value is a {@link SettingException}, not a binding error), and {@link #validate()} checks
 * every setting at start, throwing a {@link SettingException} that names the variable to fix.
 *
 * <p>Mutable bean for Micronaut binding; tests build one with {@code new GatewayConfig()} and setters.
 */
@ConfigurationProperties(GatewayConfig.PREFIX)
public class GatewayConfig {
    public static final String PREFIX = "gateway";

    /** Redis address when none is set. */
    public static final String DEFAULT_REDIS_URL = "redis://localhost:6379";
    /** Shortest HS256 secret accepted (RFC 7518 §3.2: a key at least as long as the hash). */
    public static final int MIN_SECRET_BYTES = TokenSettings.MIN_SECRET_BYTES;

    private String redisUrl;
    private String socketRedisUrl;
    private String jwksUrl;
    private String keyPrefix = "rt:";
    private String path = "/realtime";
    private String nodeId = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    private String jwtSecret;
    private String jwtIssuer;
    private String jwtAudience;
    private String jwtClockSkew;
    private String jwtMaxLifetime;
    private String jwksCacheTtl;
    private String jwksRefreshMinInterval;
    private String jwksOutageTolerance;
    private String jwksTimeout;
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
    private Duration socketConnectTimeout = Duration.ofSeconds(10);
    private int roomsPerConnection = 100;
    private int maxPresenceStateBytes = 4 * 1024;

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

    /**
     * Engine.IO maxPayload (bytes of one polling POST or WebSocket message); default 1,000,000. A
     * polling POST carries every packet the client had queued, so this stays well above
     * {@link #getMaxFrameBytes()}, which bounds each Socket.IO packet in it.
     */
    public int getSocketMaxPayload() {
        return socketMaxPayload;
    }

    public void setSocketMaxPayload(int socketMaxPayload) {
        this.socketMaxPayload = socketMaxPayload;
    }

    /**
     * How long an Engine.IO session may stay open without a Socket.IO CONNECT on the default
     * namespace; then it is closed. Default 10 s.
     */
    public Duration getSocketConnectTimeout() {
        return socketConnectTimeout;
    }

    public void setSocketConnectTimeout(Duration socketConnectTimeout) {
        this.socketConnectTimeout = socketConnectTimeout;
    }

    /**
     * Rooms one connection may be in (raw {@code broadcast:x}/{@code presence:x} and Socket.IO room
     * {@code x} are one room; automatic rooms do not count). Rooms also count against
     * {@link #getSubscriptionsPerConnection()}. Default 100.
     */
    public int getRoomsPerConnection() {
        return roomsPerConnection;
    }

    public void setRoomsPerConnection(int roomsPerConnection) {
        this.roomsPerConnection = roomsPerConnection;
    }

    /** Largest presence state (compact JSON), on both transports; larger ones get INVALID_MESSAGE. Default 4 KiB. */
    public int getMaxPresenceStateBytes() {
        return maxPresenceStateBytes;
    }

    public void setMaxPresenceStateBytes(int maxPresenceStateBytes) {
        this.maxPresenceStateBytes = maxPresenceStateBytes;
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
        tokenSettings();
        if (path == null || !path.startsWith("/")) {
            throw new SettingException("gateway.path", "must start with /");
        }
        if (!getSocketPath().startsWith("/")) {
            throw new SettingException("SOCKET_PATH (gateway.socket-path)", "must start with / (got '" + socketPath + "')");
        }
        return this;
    }

    /**
     * The token settings, parsed and checked: {@code JWT_SECRET} or {@code JWKS_URL} (or both),
     * issuer, audience, clock skew, maximum lifetime and JWKS caching.
     *
     * @throws SettingException naming the first token setting that is wrong
     */
    public TokenSettings tokenSettings() {
        return TokenSettings.parse(jwtSecret, jwksUrl, jwtIssuer, jwtAudience, jwtClockSkew, jwtMaxLifetime,
                jwksCacheTtl, jwksRefreshMinInterval, jwksOutageTolerance, jwksTimeout);
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

    /**
     * {@code JWKS_URL}: an http(s) URL whose JWKS document holds the RS*, PS* and ES* token keys,
     * selected by {@code kid}, cached and refreshed (see {@link io.pgrealtime.gateway.auth.JwksSettings}).
     */
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

    /**
     * HMAC secret ({@code JWT_SECRET}), at least 32 bytes: verifies HS256 (HS384 from 48 bytes, HS512
     * from 64). This or {@code JWKS_URL} is required; with both, HS tokens are checked against the
     * secret and asymmetric ones against the JWKS.
     */
    public String getJwtSecret() {
        return jwtSecret;
    }

    public void setJwtSecret(String jwtSecret) {
        this.jwtSecret = jwtSecret;
    }

    /** Expected {@code iss} ({@code JWT_ISSUER}), checked when set. */
    public String getJwtIssuer() {
        return jwtIssuer;
    }

    public void setJwtIssuer(String jwtIssuer) {
        this.jwtIssuer = jwtIssuer;
    }

    /** Expected {@code aud} ({@code JWT_AUDIENCE}), checked when set: the token's must name it. */
    public String getJwtAudience() {
        return jwtAudience;
    }

    public void setJwtAudience(String jwtAudience) {
        this.jwtAudience = jwtAudience;
    }

    /** {@code JWT_CLOCK_SKEW}: tolerance on {@code exp}/{@code nbf}/{@code iat}, e.g. {@code 30s}; default 30 s, at most 5 m. */
    public String getJwtClockSkew() {
        return jwtClockSkew;
    }

    public void setJwtClockSkew(String jwtClockSkew) {
        this.jwtClockSkew = jwtClockSkew;
    }

    /** {@code JWT_MAX_LIFETIME}: longest {@code exp - iat} (or {@code exp - now}) accepted; default 24 h. */
    public String getJwtMaxLifetime() {
        return jwtMaxLifetime;
    }

    public void setJwtMaxLifetime(String jwtMaxLifetime) {
        this.jwtMaxLifetime = jwtMaxLifetime;
    }

    /** {@code JWKS_CACHE_TTL}: how long fetched keys are used before a refetch; default 5 m. */
    public String getJwksCacheTtl() {
        return jwksCacheTtl;
    }

    public void setJwksCacheTtl(String jwksCacheTtl) {
        this.jwksCacheTtl = jwksCacheTtl;
    }

    /** {@code JWKS_REFRESH_MIN_INTERVAL}: at most two fetches per interval, unknown kids included; default 30 s. */
    public String getJwksRefreshMinInterval() {
        return jwksRefreshMinInterval;
    }

    public void setJwksRefreshMinInterval(String jwksRefreshMinInterval) {
        this.jwksRefreshMinInterval = jwksRefreshMinInterval;
    }

    /** {@code JWKS_OUTAGE_TOLERANCE}: how long the last fetched keys serve while the URL fails; default 1 h, 0 disables. */
    public String getJwksOutageTolerance() {
        return jwksOutageTolerance;
    }

    public void setJwksOutageTolerance(String jwksOutageTolerance) {
        this.jwksOutageTolerance = jwksOutageTolerance;
    }

    /** {@code JWKS_TIMEOUT}: HTTP connect and read timeout, each; 1-10 s, default 3 s. */
    public String getJwksTimeout() {
        return jwksTimeout;
    }

    public void setJwksTimeout(String jwksTimeout) {
        this.jwksTimeout = jwksTimeout;
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

    /** Subscriptions one connection may hold: table subscriptions plus rooms joined, on either transport; default 100. */
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

    /** Largest inbound message (a raw frame, one Socket.IO packet); larger ones get INVALID_MESSAGE. Default 64 KiB. */
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
