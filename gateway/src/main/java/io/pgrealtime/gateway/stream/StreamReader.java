package io.pgrealtime.gateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.RedisKeys;
import io.pgrealtime.protocol.StreamId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads, on one thread and one connection, the control stream and the change streams of the
 * tables this node has subscribers for ({@code XREAD BLOCK} over all of them), and hands each
 * entry to the {@link Sink} in stream order.
 *
 * <p>Positions are kept per stream in memory; a table is read from the position it had when it
 * was first {@link #follow followed}, so no entry after that is skipped even across Redis
 * reconnects (the reader retries with the same positions). Keys are added and removed while the
 * reader blocks: a change wakes it with {@code CLIENT UNBLOCK}.
 */
public final class StreamReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamReader.class);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** Receives entries on the reader thread. */
    public interface Sink {
        void onChange(String table, StreamId id, byte[] json);

        void onBroadcast(String topic, String event, JsonNode payload);

        /** After the entries of one read. */
        default void batchEnd() {
        }
    }

    private final RedisKeys keys;
    private final ConfigRegistry config;
    private final Sink sink;
    private final Duration block;
    private final Map<String, String> positions = new ConcurrentHashMap<>();
    private final StatefulRedisConnection<String, byte[]> reader;
    private final StatefulRedisConnection<String, String> commands;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long readerClientId = -1;
    private volatile long lastCommitMicros;
    private String snapshotLsn;
    private long nextSnapshotCheck;

    public StreamReader(RedisClient client, RedisKeys keys, ConfigRegistry config, Sink sink, Duration block) {
        this.keys = keys;
        this.config = config;
        this.sink = sink;
        this.block = block;
        this.reader = client.connect(CODEC);
        this.commands = client.connect();
        this.thread = new Thread(this::loop, "gateway-stream-reader");
        this.thread.setDaemon(true);
    }

    /** Loads the configuration snapshot and starts following the control stream. */
    public void start() {
        RedisCommands<String, String> c = commands.sync();
        // Position first, snapshot second: control entries written in between are applied twice
        // (idempotent upserts), never missed.
        positions.put(keys.control(), top(keys.control()));
        reloadSnapshotIfNewer();
        thread.start();
    }

    /**
     * Loads the {@code rt:config} snapshot if its LSN differs from the one loaded. Called at start
     * and every few seconds: the relay rewrites the snapshot when it (re)reads the configuration
     * from the database, which no control entry announces.
     */
    private void reloadSnapshotIfNewer() {
        RedisCommands<String, String> c = commands.sync();
        String lsn = c.hget(keys.config(), "lsn");
        if (lsn == null || lsn.equals(snapshotLsn)) {
            return;
        }
        String snapshot = c.hget(keys.config(), "tables");
        if (snapshot != null) {
            try {
                config.load(Json.mapper().readTree(snapshot).get("tables"));
                snapshotLsn = lsn;
            } catch (Exception e) {
                LOG.warn("unreadable configuration snapshot {}: {}", keys.config(), e.getMessage());
            }
        }
    }

    /** The current top ID of a stream ({@code 0-0} when empty or missing). */
    public String top(String key) {
        List<StreamMessage<String, String>> last = commands.sync().xrevrange(key, Range.create("-", "+"), Limit.from(1));
        return last.isEmpty() ? "0-0" : last.get(0).getId();
    }

    /** Starts reading a table's stream from its current top, if not read already. Blocking; call off the event loop. */
    public void follow(String table) {
        String key = keys.changes(table);
        if (positions.containsKey(key)) {
            return;
        }
        positions.putIfAbsent(key, top(key));
        wake();
    }

    /** Stops reading a table's stream. */
    public void unfollow(String table) {
        if (positions.remove(keys.changes(table)) != null) {
            wake();
        }
    }

    public boolean follows(String table) {
        return positions.containsKey(keys.changes(table));
    }

    /** Entries of a table after {@code since} (exclusive), at most {@code limit}; blocking. */
    public List<StreamMessage<String, String>> range(String table, StreamId since, int limit) {
        return commands.sync().xrange(keys.changes(table), Range.create("(" + since, "+"), Limit.from(limit));
    }

    /** The first entry ID still in a table's stream, or null when the stream is empty. */
    public StreamId first(String table) {
        List<StreamMessage<String, String>> first = commands.sync().xrange(keys.changes(table), Range.create("-", "+"), Limit.from(1));
        return first.isEmpty() ? null : StreamId.parse(first.get(0).getId());
    }

    /** Commit time (epoch µs) of the last change read, for the stream-lag metric. */
    public long lastCommitMicros() {
        return lastCommitMicros;
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    private void wake() {
        long id = readerClientId;
        if (id >= 0) {
            try {
                commands.async().clientUnblock(id, io.lettuce.core.UnblockType.TIMEOUT);
            } catch (RuntimeException e) {
                LOG.debug("could not wake the stream reader: {}", e.getMessage());
            }
        }
    }

    private void loop() {
        while (running) {
            try {
                readerClientId = reader.sync().clientId();
                while (running) {
                    readOnce();
                    if (System.nanoTime() > nextSnapshotCheck) {
                        nextSnapshotCheck = System.nanoTime() + 5_000_000_000L;
                        reloadSnapshotIfNewer();
                    }
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("stream reader: {}; retrying", e.getMessage());
                sleep(500);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void readOnce() {
        List<XReadArgs.StreamOffset<String>> offsets = new ArrayList<>(positions.size());
        positions.forEach((k, v) -> offsets.add(XReadArgs.StreamOffset.from(k, v)));
        List<StreamMessage<String, byte[]>> batch = reader.sync().xread(
                XReadArgs.Builder.block(block.toMillis()).count(1000), offsets.toArray(new XReadArgs.StreamOffset[0]));
        if (batch == null) {
            return;
        }
        String changesPrefix = keys.changesPrefix();
        for (StreamMessage<String, byte[]> m : batch) {
            String key = m.getStream();
            if (!positions.containsKey(key)) {
                continue;
            }
            positions.put(key, m.getId());
            byte[] body = m.getBody().get("e");
            if (body == null) {
                continue;
            }
            try {
                if (key.equals(keys.control())) {
                    control(body);
                } else if (key.startsWith(changesPrefix)) {
                    sink.onChange(key.substring(changesPrefix.length()), StreamId.parse(m.getId()), body);
                }
            } catch (RuntimeException e) {
                LOG.warn("entry {} of {} not delivered: {}", m.getId(), key, e.toString());
            }
        }
        sink.batchEnd();
    }

    private void control(byte[] body) {
        JsonNode n;
        try {
            n = Json.mapper().readTree(body);
        } catch (Exception e) {
            LOG.warn("unreadable control entry: {}", new String(body, StandardCharsets.UTF_8));
            return;
        }
        switch (n.path("kind").asText()) {
            case "config" -> config.apply(n);
            case "broadcast" -> sink.onBroadcast(n.path("channel").asText(), n.path("event").asText(), n.path("payload"));
            default -> {
                // Unknown kinds come from newer relays.
            }
        }
    }

    /** Records the commit time of a change delivered (called by the sink). */
    public void observed(long commitMicros) {
        lastCommitMicros = commitMicros;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        wake();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.close();
        commands.close();
    }
}
