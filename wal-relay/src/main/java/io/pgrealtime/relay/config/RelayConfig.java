package io.pgrealtime.relay.config;

import io.lettuce.core.RedisURI;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.pgrealtime.runtime.SettingException;
import io.pgrealtime.runtime.Settings;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;

/**
 * Configuration of the relay, prefix {@value #PREFIX}. Every field has a default that works on a
 * laptop. The environment variables operators know ({@code DATABASE_URL}, {@code PGHOST},
 * {@code PGPORT}, {@code PGDATABASE}, {@code PGUSER}, {@code PGPASSWORD}, {@code REDIS_URL},
 * {@code RELAY_SLOT}, {@code RELAY_PUBLICATION}, {@code REALTIME_KEY_PREFIX}) are mapped one to one
 * in {@code application.yml}, each with an empty default; an empty value means "not set" and the
 * addresses are built from their parts here, in code ({@link #database()}, {@link #redisUri()}).
 *
 * <p>{@link #validate()} checks every setting at start and throws a {@link SettingException} that
 * names the environment variable to fix. Mutable bean for Micronaut binding; tests build one with
 * {@code new RelayConfig()} and setters.
 */
@ConfigurationProperties(RelayConfig.PREFIX)
public class RelayConfig {
    public static final String PREFIX = "relay";

    /** Default slot name. */
    public static final String DEFAULT_SLOT = "realtime_slot";
    /** Default publication name. */
    public static final String DEFAULT_PUBLICATION = "realtime";
    /** Default approximate cap of each table stream (entries). */
    public static final long DEFAULT_STREAM_MAX_LEN = 100_000;

    /** Redis address when none is set. */
    public static final String DEFAULT_REDIS_URL = "redis://localhost:6379";

    private String databaseUrl;
    private String databaseHost;
    private String databasePort;
    private String databaseName;
    private String databaseUser;
    private String databasePassword;
    private String slotName = DEFAULT_SLOT;
    private String publication = DEFAULT_PUBLICATION;
    private String redisUrl;
    private String keyPrefix = "rt:";
    private long streamMaxLen = DEFAULT_STREAM_MAX_LEN;
    private Duration leaseTtl = Duration.ofSeconds(12);
    private Duration leaseRenewInterval = Duration.ofSeconds(10);
    private Duration candidatePollInterval = Duration.ofMillis(500);
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private Duration statusInterval = Duration.ofSeconds(1);
    private Duration reconnectBackoffMin = Duration.ofMillis(200);
    private Duration reconnectBackoffMax = Duration.ofSeconds(10);
    private int maxInFlightEvents = 50_000;
    private int pipelineBatchEvents = 2_000;
    private boolean bootstrap = true;
    private boolean enabled = true;
    private String nodeId = defaultNodeId();

    private static String defaultNodeId() {
        return ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * The database to stream, validated: {@code DATABASE_URL} when set (user and password from
     * {@code PGUSER}/{@code PGPASSWORD} when the URL has none), else {@code PGHOST}
     * (default localhost), {@code PGPORT} (5432), {@code PGDATABASE} (postgres), {@code PGUSER}
     * (postgres) and {@code PGPASSWORD}.
     *
     * @throws SettingException naming the variable that is wrong
     */
    public DatabaseUrl database() {
        String url = Settings.blankToNull(databaseUrl);
        String user = Settings.blankToNull(databaseUser);
        String password = Settings.blankToNull(databasePassword);
        if (url != null) {
            DatabaseUrl parsed;
            try {
                parsed = DatabaseUrl.parse(url, null, null);
            } catch (IllegalArgumentException e) {
                throw new SettingException("DATABASE_URL (relay.database-url)", "is not a valid PostgreSQL URL ("
                        + e.getMessage().replace(url, "<value>") + "); expected postgresql://user:password@host:5432/database");
            }
            return parsed.withDefaults(user, password);
        }
        String host = Settings.firstSet(databaseHost, "localhost");
        int port = databasePort == null || databasePort.isBlank() ? 5432 : Settings.port(databasePort, "PGPORT (relay.database-port)", false);
        if (host.contains("/") || host.contains("@") || host.contains(" ")) {
            throw new SettingException("PGHOST (relay.database-host)", "must be a host name or address (got '" + host + "')");
        }
        return new DatabaseUrl(host, port, Settings.firstSet(databaseName, "postgres"), Settings.firstSet(user, "postgres"),
                password, new java.util.Properties());
    }

    /**
     * The Redis address, validated: {@code REDIS_URL}, default {@value #DEFAULT_REDIS_URL}.
     *
     * @throws SettingException naming {@code REDIS_URL}
     */
    public RedisURI redisUri() {
        return Settings.redisUri(Settings.firstSet(redisUrl, DEFAULT_REDIS_URL), "REDIS_URL (relay.redis-url)");
    }

    /**
     * Checks every setting an operator gives; called once at start.
     *
     * @throws SettingException naming the first setting that is wrong
     */
    public RelayConfig validate() {
        database();
        redisUri();
        Settings.pgName(getSlotName(), "RELAY_SLOT (relay.slot-name)");
        Settings.pgName(getPublication(), "RELAY_PUBLICATION (relay.publication)");
        if (leaseRenewInterval.compareTo(leaseTtl) >= 0) {
            throw new SettingException("relay.lease-renew-interval", "(" + leaseRenewInterval + ") must be shorter than relay.lease-ttl ("
                    + leaseTtl + ")");
        }
        return this;
    }

    /** {@code DATABASE_URL}: {@code postgresql://user:password@host:port/db} (or {@code jdbc:postgresql://…}); see {@link #database()}. */
    public String getDatabaseUrl() {
        return databaseUrl;
    }

    public void setDatabaseUrl(String databaseUrl) {
        this.databaseUrl = databaseUrl;
    }

    /** {@code PGHOST}, used when no URL is set. */
    public String getDatabaseHost() {
        return databaseHost;
    }

    public void setDatabaseHost(String databaseHost) {
        this.databaseHost = databaseHost;
    }

    /** {@code PGPORT}, used when no URL is set. */
    public String getDatabasePort() {
        return databasePort;
    }

    public void setDatabasePort(String databasePort) {
        this.databasePort = databasePort;
    }

    /** {@code PGDATABASE}, used when no URL is set. */
    public String getDatabaseName() {
        return databaseName;
    }

    public void setDatabaseName(String databaseName) {
        this.databaseName = databaseName;
    }

    /** {@code PGUSER}: the user when no URL is set or the URL names none. Needs REPLICATION (or superuser). */
    public String getDatabaseUser() {
        return databaseUser;
    }

    public void setDatabaseUser(String databaseUser) {
        this.databaseUser = databaseUser;
    }

    /** {@code PGPASSWORD}: the password when no URL is set or the URL has none. */
    public String getDatabasePassword() {
        return databasePassword;
    }

    public void setDatabasePassword(String databasePassword) {
        this.databasePassword = databasePassword;
    }

    /** Logical replication slot, created if missing; default {@value #DEFAULT_SLOT}. */
    public String getSlotName() {
        return Settings.firstSet(slotName, DEFAULT_SLOT);
    }

    public void setSlotName(String slotName) {
        this.slotName = slotName;
    }

    /** Publication streamed; default {@value #DEFAULT_PUBLICATION}. */
    public String getPublication() {
        return Settings.firstSet(publication, DEFAULT_PUBLICATION);
    }

    public void setPublication(String publication) {
        this.publication = publication;
    }

    /** {@code REDIS_URL} as given (may be null); {@link #redisUri()} is the validated address. */
    public String getRedisUrl() {
        return redisUrl;
    }

    public void setRedisUrl(String redisUrl) {
        this.redisUrl = redisUrl;
    }

    /** Prefix of every Redis key; default {@code rt:}. One relay per database, one prefix per relay. */
    public String getKeyPrefix() {
        return keyPrefix == null || keyPrefix.isEmpty() ? "rt:" : keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    /** Approximate cap ({@code MAXLEN ~}) of each table stream; 0 disables trimming. Default 100,000. */
    public long getStreamMaxLen() {
        return streamMaxLen;
    }

    public void setStreamMaxLen(long streamMaxLen) {
        this.streamMaxLen = streamMaxLen;
    }

    /** Time-to-live of the leader lease; a crashed leader is replaced after at most this. Default 12 s. */
    public Duration getLeaseTtl() {
        return leaseTtl;
    }

    public void setLeaseTtl(Duration leaseTtl) {
        this.leaseTtl = leaseTtl;
    }

    /** How often the leader extends its lease (compare-and-extend). Default 10 s; must be below the TTL. */
    public Duration getLeaseRenewInterval() {
        return leaseRenewInterval;
    }

    public void setLeaseRenewInterval(Duration leaseRenewInterval) {
        this.leaseRenewInterval = leaseRenewInterval;
    }

    /** How often a standby tries to take the lease. Default 500 ms. */
    public Duration getCandidatePollInterval() {
        return candidatePollInterval;
    }

    public void setCandidatePollInterval(Duration candidatePollInterval) {
        this.candidatePollInterval = candidatePollInterval;
    }

    /** Interval of the heartbeat logical message that keeps the slot advancing on an idle database. Default 10 s. */
    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    /** Interval of standby status updates to PostgreSQL (confirmed flush LSN). Default 1 s. */
    public Duration getStatusInterval() {
        return statusInterval;
    }

    public void setStatusInterval(Duration statusInterval) {
        this.statusInterval = statusInterval;
    }

    /** First reconnect delay after a connection loss; doubles up to {@link #getReconnectBackoffMax()}. */
    public Duration getReconnectBackoffMin() {
        return reconnectBackoffMin;
    }

    public void setReconnectBackoffMin(Duration reconnectBackoffMin) {
        this.reconnectBackoffMin = reconnectBackoffMin;
    }

    public Duration getReconnectBackoffMax() {
        return reconnectBackoffMax;
    }

    public void setReconnectBackoffMax(Duration reconnectBackoffMax) {
        this.reconnectBackoffMax = reconnectBackoffMax;
    }

    /** Events sent to Redis but not yet acknowledged before reading from PostgreSQL pauses. Default 50,000. */
    public int getMaxInFlightEvents() {
        return maxInFlightEvents;
    }

    public void setMaxInFlightEvents(int maxInFlightEvents) {
        this.maxInFlightEvents = maxInFlightEvents;
    }

    /** Events buffered before the Redis pipeline is flushed when more WAL is already waiting. Default 2,000. */
    public int getPipelineBatchEvents() {
        return pipelineBatchEvents;
    }

    public void setPipelineBatchEvents(int pipelineBatchEvents) {
        this.pipelineBatchEvents = pipelineBatchEvents;
    }

    /** Run the schema migrations (schema realtime, publication, functions) at start. Default true. */
    public boolean isBootstrap() {
        return bootstrap;
    }

    public void setBootstrap(boolean bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Start the relay with the application. Default true. */
    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** Identity of this replica in the leader lease; default process name plus a random suffix. */
    public String getNodeId() {
        return nodeId;
    }

    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }
}
