package io.pgrealtime.relay.config;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;

/**
 * Configuration of the relay, prefix {@value #PREFIX}. Every field has a default that works on a
 * laptop; the environment variables users know ({@code DATABASE_URL}, {@code PG*},
 * {@code REDIS_URL}) are mapped in {@code application.yml}.
 *
 * <p>Mutable bean for Micronaut binding; tests build one with {@code new RelayConfig()} and setters.
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

    private String databaseUrl = "postgresql://postgres@localhost:5432/postgres";
    private String databaseUser;
    private String databasePassword;
    private String slotName = DEFAULT_SLOT;
    private String publication = DEFAULT_PUBLICATION;
    private String redisUrl = "redis://localhost:6379";
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

    /** {@code postgresql://user:password@host:port/db} (or {@code jdbc:postgresql://…}); default localhost:5432/postgres. */
    public String getDatabaseUrl() {
        return databaseUrl;
    }

    public void setDatabaseUrl(String databaseUrl) {
        this.databaseUrl = databaseUrl;
    }

    /** Overrides the user of {@link #getDatabaseUrl()} when set. Needs REPLICATION (or superuser). */
    public String getDatabaseUser() {
        return databaseUser;
    }

    public void setDatabaseUser(String databaseUser) {
        this.databaseUser = databaseUser;
    }

    /** Overrides the password of {@link #getDatabaseUrl()} when set. */
    public String getDatabasePassword() {
        return databasePassword;
    }

    public void setDatabasePassword(String databasePassword) {
        this.databasePassword = databasePassword;
    }

    /** Logical replication slot, created if missing; default {@value #DEFAULT_SLOT}. */
    public String getSlotName() {
        return slotName;
    }

    public void setSlotName(String slotName) {
        this.slotName = slotName;
    }

    /** Publication streamed; default {@value #DEFAULT_PUBLICATION}. */
    public String getPublication() {
        return publication;
    }

    public void setPublication(String publication) {
        this.publication = publication;
    }

    /** Redis URI understood by Lettuce; default {@code redis://localhost:6379}. */
    public String getRedisUrl() {
        return redisUrl;
    }

    public void setRedisUrl(String redisUrl) {
        this.redisUrl = redisUrl;
    }

    /** Prefix of every Redis key; default {@code rt:}. One relay per database, one prefix per relay. */
    public String getKeyPrefix() {
        return keyPrefix;
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
