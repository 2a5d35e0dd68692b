package io.pgrealtime.relay.replication;

import io.pgrealtime.relay.pgoutput.Lsn;
import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.RedisKeys;
import io.pgrealtime.protocol.config.TableConfig;
import io.pgrealtime.relay.metrics.RelayMetrics;
import io.pgrealtime.relay.capture.ConfigState;
import io.pgrealtime.relay.capture.TransactionAssembler;
import io.pgrealtime.relay.config.DatabaseUrl;
import io.pgrealtime.relay.config.RelayConfig;
import io.pgrealtime.relay.pgoutput.PgOutputDecoder;
import io.pgrealtime.relay.pgoutput.PgOutputMessage;
import io.pgrealtime.relay.pgoutput.RelationCache;
import io.pgrealtime.relay.publish.CommittedTransaction;
import io.pgrealtime.relay.publish.StreamPublisher;
import io.pgrealtime.relay.schema.SchemaBootstrap;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One attempt at streaming: connect, check, bootstrap, stream until an error or {@link #abort()}.
 * The relay runs sessions one after another, with backoff, while it holds the lease.
 *
 * <p>Exactly-once: a transaction's commit position is confirmed to PostgreSQL (flush LSN) only
 * after Redis acknowledged every XADD of it and of all earlier transactions. A session that fails
 * confirms nothing more; the next one restarts from the slot's confirmed position and Redis
 * refuses the replayed entries (their WAL-derived IDs are not above the streams' tops).
 *
 * <p>{@link #run()} runs on the caller's thread; {@link #abort()} and {@link #heartbeat()} may be
 * called from any thread.
 */
public final class ReplicationSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSession.class);

    private final RelayConfig config;
    private final DatabaseUrl db;
    private final RedisClient redisClient;
    private final RedisKeys keys;
    private final RelayMetrics metrics;
    private final Consumer<ReplicationStep> stepListener;

    private volatile boolean aborted;
    /** The slot was created by this session: configuration changes before it never reach its stream. */
    private boolean slotCreated;
    private volatile Connection sql;
    private volatile Connection replication;
    private volatile PGReplicationStream stream;
    private StreamPublisher publisher;
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong confirmed = new AtomicLong();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    public ReplicationSession(RelayConfig config, RedisClient redisClient, RelayMetrics metrics,
                              Consumer<ReplicationStep> stepListener) {
        this.config = config;
        this.db = config.database();
        this.redisClient = redisClient;
        this.keys = new RedisKeys(config.getKeyPrefix());
        this.metrics = metrics;
        this.stepListener = stepListener;
    }

    /** Runs until aborted (returns normally) or until an error (throws). */
    public void run() throws Exception {
        step(ReplicationStep.CONNECT);
        sql = connect(false);
        step(ReplicationStep.CHECK_WAL_LEVEL);
        checkWalLevel();
        if (config.isBootstrap()) {
            step(ReplicationStep.BOOTSTRAP);
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(db.jdbcUrl());
            Properties p = db.properties();
            ds.setUser(p.getProperty("user"));
            ds.setPassword(p.getProperty("password"));
            SchemaBootstrap.migrate(ds, config.getPublication());
        }
        step(ReplicationStep.CHECK_PUBLICATION);
        checkPublication();
        replication = connect(true);
        step(ReplicationStep.CHECK_SLOT);
        checkSlot();
        ConfigState state = loadConfig();
        StatefulRedisConnection<String, String> redis = redisClient.connect();
        publisher = new StreamPublisher(redis, keys, config.getStreamMaxLen(), metrics::duplicate);
        RelationCache relations = new RelationCache();
        TransactionAssembler assembler = new TransactionAssembler(relations,
                new JsonRowConverter(sql), state, keys, new CatalogTables(sql));
        stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                .withSlotName(config.getSlotName())
                .withSlotOption("proto_version", "1")
                .withSlotOption("publication_names", config.getPublication())
                .withSlotOption("messages", "true")
                .withStatusInterval((int) config.getStatusInterval().toMillis(), TimeUnit.MILLISECONDS)
                .start();
        step(ReplicationStep.STREAMING);
        LOG.info("streaming slot {} of {} into Redis {}:{} (tables configured: {})", config.getSlotName(), db,
                config.redisUri().getHost(), config.redisUri().getPort(), state.size());
        stream(assembler);
    }

    private void stream(TransactionAssembler assembler) throws Exception {
        int unflushed = 0;
        int idleRounds = 0;
        while (!aborted) {
            // readPending, not the blocking read: keepalives are consumed here too, so an idle
            // session can confirm the server's position (without that a fast shutdown of PostgreSQL
            // waits for us forever, and an idle database retains WAL).
            ByteBuffer buffer = stream.readPending();
            if (buffer == null) {
                if (unflushed > 0) {
                    publisher.flush();
                    unflushed = 0;
                }
                checkPublisher();
                if (inFlight.get() == 0 && !assembler.inTransaction()) {
                    // Everything received is stored: what the server has sent since (skipped
                    // changes, keepalive positions) needs nothing from us. A transaction still
                    // open on the server commits later, above this position, so it is not skipped.
                    LogSequenceNumber received = stream.getLastReceiveLSN();
                    if (received != null && Long.compareUnsigned(received.asLong(), confirmed.get()) > 0) {
                        advance(received.asLong());
                    }
                }
                idleRounds = Math.min(idleRounds + 1, 10);
                LockSupport.parkNanos(idleRounds * 100_000L);
                continue;
            }
            idleRounds = 0;
            PgOutputMessage message = PgOutputDecoder.decode(buffer);
            if (message instanceof PgOutputMessage.Message m && !m.transactional()) {
                // Heartbeat (or any non-transactional message): everything before it is either
                // stored or in flight, so it may be confirmed once what is in flight is stored.
                confirmAfterPending(m.lsn().asLong());
                continue;
            }
            CommittedTransaction tx = assembler.accept(message);
            if (tx == null) {
                continue;
            }
            if (tx.entries().isEmpty() && tx.configSnapshot() == null) {
                confirmAfterPending(tx.endLsn());
                continue;
            }
            submit(tx);
            unflushed += tx.entries().size();
            if (unflushed >= config.getPipelineBatchEvents()) {
                publisher.flush();
                unflushed = 0;
            }
            while (inFlight.get() > config.getMaxInFlightEvents() && !aborted) {
                publisher.flush();
                unflushed = 0;
                checkPublisher();
                Thread.sleep(1);
            }
        }
    }

    private void submit(CommittedTransaction tx) {
        int n = tx.entries().size();
        inFlight.addAndGet(n);
        CompletableFuture<Void> done = publisher.publish(tx);
        tail = done;
        done.whenComplete((v, err) -> {
            inFlight.addAndGet(-n);
            if (err == null) {
                metrics.published(tx.changeCount(), tx.commitMicros());
                advance(tx.endLsn());
            } else {
                LOG.warn("Redis did not store the transaction at {}: {}; nothing after it is confirmed",
                        Lsn.valueOf(tx.commitLsn()), err.toString());
                abort();
            }
        });
    }

    private void confirmAfterPending(long lsn) {
        tail.thenRun(() -> advance(lsn));
    }

    private void advance(long lsn) {
        if (publisher.failure() != null) {
            return;
        }
        long now = confirmed.accumulateAndGet(lsn, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
        PGReplicationStream s = stream;
        if (s != null) {
            LogSequenceNumber l = LogSequenceNumber.valueOf(now);
            s.setFlushedLSN(l);
            s.setAppliedLSN(l);
        }
        metrics.confirmed(now);
    }

    private void checkPublisher() throws Exception {
        Throwable failure = publisher.failure();
        if (failure != null) {
            throw new IllegalStateException("Redis refused a write: " + failure.getMessage(), failure);
        }
    }

    /** The last LSN confirmed by this session. */
    public long confirmedLsn() {
        return confirmed.get();
    }

    private void step(ReplicationStep s) {
        if (aborted) {
            throw new IllegalStateException("session aborted");
        }
        stepListener.accept(s);
    }

    private Connection connect(boolean forReplication) {
        Properties p = db.properties();
        if (forReplication) {
            PGProperty.REPLICATION.set(p, "database");
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
            PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        }
        try {
            return DriverManager.getConnection(db.jdbcUrl(), p);
        } catch (SQLException e) {
            String state = e.getSQLState();
            boolean privilege = "42501".equals(state) || "28000".equals(state)
                    || String.valueOf(e.getMessage()).contains("REPLICATION");
            if (privilege && forReplication) {
                throw new RelaySetupException(ReplicationStep.CONNECT, "user " + p.getProperty("user")
                        + " may not open a replication connection: grant it with ALTER ROLE "
                        + p.getProperty("user") + " WITH REPLICATION (on managed services: the provider's"
                        + " replication role, e.g. rds_replication on RDS), and allow it in pg_hba.conf"
                        + " (a 'replication' or the database line)", e);
            }
            throw new RelaySetupException(ReplicationStep.CONNECT, "cannot connect to " + db + ": " + e.getMessage(), e);
        }
    }

    private void checkWalLevel() throws SQLException {
        String level = queryOne("SHOW wal_level");
        if (!"logical".equals(level)) {
            throw new RelaySetupException(ReplicationStep.CHECK_WAL_LEVEL, "wal_level is '" + level
                    + "', logical replication needs 'logical'. Set wal_level = logical in postgresql.conf (or"
                    + " ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL. Managed services:"
                    + " RDS/Aurora set rds.logical_replication = 1 in the parameter group; Cloud SQL set the"
                    + " flag cloudsql.logical_decoding = on; Azure set wal_level = LOGICAL in server parameters.");
        }
    }

    private void checkPublication() throws SQLException {
        String pub = config.getPublication();
        try (Statement st = sql.createStatement()) {
            boolean exists;
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_publication WHERE pubname = " + literal(pub))) {
                exists = rs.next();
            }
            if (!exists) {
                LOG.warn("publication {} was missing; creating it", pub);
                st.execute("CREATE PUBLICATION " + ident(pub) + " WITH (publish_via_partition_root = true)");
            }
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_publication_tables WHERE pubname = " + literal(pub)
                    + " AND schemaname = 'realtime' AND tablename = 'tables'")) {
                if (!rs.next()) {
                    st.execute("ALTER PUBLICATION " + ident(pub) + " ADD TABLE realtime.tables");
                }
            }
        }
    }

    private void checkSlot() throws SQLException {
        String slot = config.getSlotName();
        String plugin = null;
        String activePid = null;
        boolean exists = false;
        try (Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT plugin, active_pid, database FROM pg_replication_slots WHERE slot_name = "
                     + literal(slot))) {
            if (rs.next()) {
                exists = true;
                plugin = rs.getString(1);
                activePid = rs.getString(2);
                String database = rs.getString(3);
                if (database != null && !database.equals(db.database())) {
                    throw new RelaySetupException(ReplicationStep.CHECK_SLOT, "slot " + slot + " belongs to database "
                            + database + ", not " + db.database() + "; choose another relay.slot-name");
                }
            }
        }
        if (!exists) {
            replication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical()
                    .withSlotName(slot).withOutputPlugin("pgoutput").make();
            LOG.info("created logical replication slot {} (pgoutput)", slot);
            slotCreated = true;
            return;
        }
        if (!"pgoutput".equals(plugin)) {
            throw new RelaySetupException(ReplicationStep.CHECK_SLOT, "slot " + slot + " uses plugin " + plugin
                    + ", the relay needs pgoutput; drop it (SELECT pg_drop_replication_slot('" + slot
                    + "')) or choose another relay.slot-name");
        }
        if (activePid != null) {
            throw new RelaySetupException(ReplicationStep.CHECK_SLOT, "slot " + slot + " is in use by backend pid "
                    + activePid + " (another relay, or a client that has not timed out yet); retrying");
        }
    }

    private ConfigState loadConfig() throws Exception {
        ConfigState state = new ConfigState();
        // A snapshot in Redis is the configuration at some slot position; a slot created just now starts
        // after changes that snapshot may not have (a slot dropped and made again, a new slot name):
        // then the database is the truth.
        try (StatefulRedisConnection<String, String> c = redisClient.connect()) {
            String tables = slotCreated ? null : c.sync().hget(keys.config(), "tables");
            if (tables != null) {
                JsonNode snapshot = Json.mapper().readTree(tables);
                state.load(snapshot.get("tables"));
                return state;
            }
        }
        // No snapshot yet: read the table, and store it as the snapshot at the slot's position, so
        // gateways know tables enabled before the slot existed (their changes never reach the WAL stream).
        loadConfigFromDatabase(state);
        String lsn = queryOne("SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::numeric::text FROM pg_replication_slots"
                + " WHERE slot_name = " + literal(config.getSlotName()));
        com.fasterxml.jackson.databind.node.ObjectNode snapshot = Json.object();
        snapshot.put("lsn", lsn == null ? "0" : lsn);
        snapshot.set("tables", state.toJson());
        try (StatefulRedisConnection<String, String> c = redisClient.connect()) {
            c.sync().eval(StreamPublisher.snapshotScript(), io.lettuce.core.ScriptOutputType.INTEGER,
                    new String[] {keys.config()}, StreamPublisher.lsnKey(lsn == null ? 0 : Long.parseUnsignedLong(lsn)),
                    snapshot.toString());
        }
        return state;
    }

    private void loadConfigFromDatabase(ConfigState state) throws Exception {
        try (Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_jsonb(t)::text FROM realtime.tables t")) {
            CatalogTables catalog = new CatalogTables(sql);
            while (rs.next()) {
                TableConfig tc = TableConfig.fromRow(Json.mapper().readTree(rs.getString(1)));
                var cols = catalog.columns(tc.schema(), tc.table());
                state.put(cols == null ? tc : tc.withColumns(cols.types(), cols.primaryKey()));
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /** Emits the heartbeat logical message (non-transactional), so an idle database still advances the slot. */
    public void heartbeat() {
        Connection c = sql;
        if (c == null || aborted) {
            return;
        }
        synchronized (c) {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_logical_emit_message(false, '" + TransactionAssembler.HEARTBEAT_PREFIX + "', '')");
                try (ResultSet rs = st.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                        + " FROM pg_replication_slots WHERE slot_name = " + literal(config.getSlotName()))) {
                    if (rs.next()) {
                        metrics.slotLag(rs.getLong(1));
                    }
                }
            } catch (SQLException e) {
                LOG.debug("heartbeat failed: {}", e.getMessage());
            }
        }
    }

    private String queryOne(String query) throws SQLException {
        synchronized (sql) {
            try (Statement st = sql.createStatement(); ResultSet rs = st.executeQuery(query)) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** Stops the session from any thread: closes the connections, which ends {@link #run()}. */
    public void abort() {
        aborted = true;
        closeQuietly(replication);
    }

    public boolean isAborted() {
        return aborted;
    }

    @Override
    public void close() {
        aborted = true;
        try {
            if (stream != null && !stream.isClosed()) {
                stream.close();
            }
        } catch (Exception ignored) {
            // The connection may already be gone.
        }
        closeQuietly(replication);
        closeQuietly(sql);
        if (publisher != null) {
            publisher.close();
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Closing a broken connection.
            }
        }
    }
}
