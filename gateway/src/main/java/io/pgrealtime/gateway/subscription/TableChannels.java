package io.pgrealtime.gateway.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.StreamMessage;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;
import io.pgrealtime.gateway.protocol.ServerMessages;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.gateway.stream.ConfigRegistry;
import io.pgrealtime.gateway.stream.StreamReader;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.ChangeEventJson;
import io.pgrealtime.protocol.StreamId;
import io.pgrealtime.protocol.TableChannel;
import io.pgrealtime.protocol.config.TableConfig;
import io.pgrealtime.protocol.filter.CompiledFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Table channels ({@code table:schema.table}) for every transport: subscribe with permissions and
 * filters, resume with {@code since}, unsubscribe; the subscriptions of each table, split by event
 * loop ({@link #shards}), for the fan-out of the change events the {@link StreamReader} reads.
 *
 * <p>Ordering: for one subscription, the ack comes first, then replayed events (oldest first),
 * then live events, with no gap and no duplicate between the two. Redis calls run on the
 * {@code io} executor, never on a connection's event loop.
 */
public final class TableChannels {
    private static final Logger LOG = LoggerFactory.getLogger(TableChannels.class);

    /** How a transport tells its client about the outcome of a subscribe. */
    public interface SubscribeCallback {
        void subscribed(TableSubscription sub, Boolean recovered);

        void failed(GatewayException error);
    }

    private final ConfigRegistry config;
    private final TableAccess access;
    private final Executor io;
    private final int replayLimit;
    private final io.pgrealtime.gateway.session.SessionPolicy policy;
    private final Map<String, TableShards> indexes = new ConcurrentHashMap<>();
    private StreamReader reader;

    public TableChannels(ConfigRegistry config, TableAccess access, Executor io, int replayLimit,
                         io.pgrealtime.gateway.session.SessionPolicy policy) {
        this.config = config;
        this.access = access;
        this.io = io;
        this.replayLimit = replayLimit;
        this.policy = policy;
    }

    public void reader(StreamReader reader) {
        this.reader = reader;
    }

    /**
     * Validates and registers a subscription. Synchronous checks (permissions, filters, limits)
     * throw {@link GatewayException}; the rest completes through the callback on an I/O thread.
     */
    public void subscribe(ClientSession s, TableChannel channel, JsonNode filter, String since, SubscribeCallback cb) {
        subscribe(s, channel, channel.name(), filter, since, null, null, cb);
    }

    /** Thrown when the table has no realtime configuration (Socket.IO reports it as RESOURCE_NOT_FOUND). */
    public static final class NotEnabled extends GatewayException {
        NotEnabled(String table) {
            super(ErrorCode.SUBSCRIPTION_FAILED, "realtime is not enabled on " + table);
        }
    }

    /**
     * The general form, for every transport.
     *
     * @param key      the name the session files the subscription under (one per key)
     * @param actions  operations delivered, null for all
     * @param encoding builds the subscription's encoding identity from the table's settings (null: the wire's default)
     */
    public void subscribe(ClientSession s, TableChannel channel, String key, JsonNode filter, String since,
                          java.util.Set<io.pgrealtime.protocol.Operation> actions,
                          java.util.function.Function<TableConfig, Object> encoding, SubscribeCallback cb) {
        String table = channel.qualifiedTable();
        TableConfig tc = config.table(table);
        if (tc == null) {
            throw new NotEnabled(table);
        }
        access.checkRead(s.principal(), tc);
        TableAccess.Filters filters = access.filtersFor(s.principal(), tc, filter);
        CompiledFilter compiled = filters.combined();
        StreamId from = null;
        if (since != null) {
            try {
                from = StreamId.parse(since);
            } catch (IllegalArgumentException e) {
                throw new GatewayException(ErrorCode.INVALID_MESSAGE, "'since' must be an event id such as 123-0");
            }
        }
        String name = key;
        policy.checkTable(s, name);
        boolean keys = "keys".equals(tc.payload());
        TableSubscription sub = new TableSubscription(s, channel.name(), table, compiled, keys, tc.primaryKey(), true,
                actions, encoding == null ? null : encoding.apply(tc));
        sub.rowFilter(filters.row());
        Object previous = s.subscriptions().put(name, sub);
        if (previous instanceof TableSubscription old) {
            remove(old);
        }
        StreamId resumeFrom = from;
        // Indexed now, on the caller's thread, so that an unsubscribe or a disconnect that follows
        // finds it; it holds its events until it goes live below.
        indexes.computeIfAbsent(table, t -> new TableShards()).add(sub);
        io.execute(() -> {
            try {
                reader.follow(table);
                if (s.subscriptions().get(name) != sub || s.isClosed()) {
                    // Unsubscribed (or gone) before this completed: answer in order, deliver nothing.
                    remove(sub);
                    cb.subscribed(sub, null);
                    sub.answered().complete(null);
                    return;
                }
                if (resumeFrom == null) {
                    cb.subscribed(sub, null);
                    sub.goLive();
                } else {
                    recover(sub, resumeFrom, cb);
                }
                sub.answered().complete(null);
            } catch (RuntimeException e) {
                LOG.warn("subscribe to {} failed: {}", table, e.toString());
                s.subscriptions().remove(name, sub);
                remove(sub);
                cb.failed(new GatewayException(ErrorCode.SUBSCRIPTION_FAILED, "subscription to " + table
                        + " failed; try again"));
                sub.answered().complete(null);
            }
        });
    }

    private void recover(TableSubscription sub, StreamId since, SubscribeCallback cb) {
        String table = sub.table();
        StreamId first = reader.first(table);
        // Continuity can be proven only if the stream still holds the entry after 'since'.
        boolean recovered = first == null || since.compareTo(first) >= 0 || isPredecessor(since, first);
        List<StreamMessage<String, String>> missed = recovered ? reader.range(table, since, replayLimit + 1) : List.of();
        if (missed.size() > replayLimit) {
            recovered = false;
            missed = List.of();
        }
        cb.subscribed(sub, recovered);
        for (StreamMessage<String, String> m : missed) {
            StreamId id = StreamId.parse(m.getId());
            byte[] json = m.getBody().get("e").getBytes(StandardCharsets.UTF_8);
            ChangeEvent event = ChangeEventJson.decode(json);
            sub.replay(id, ChangeMessages.messageFor(sub, id, event, json));
        }
        sub.goLive();
    }

    /** Whether {@code first} is the first entry that could follow {@code since} (same commit, next index). */
    private static boolean isPredecessor(StreamId since, StreamId first) {
        return since.lsn() == first.lsn() && since.seq() + 1 == first.seq();
    }

    /** Removes one subscription of a session; true if it existed. */
    public boolean unsubscribe(ClientSession s, TableChannel channel) {
        return unsubscribe(s, channel.name());
    }

    /** Removes the table subscription filed under {@code key}; true if it existed. */
    public boolean unsubscribe(ClientSession s, String key) {
        return unsubscribeAfterAnswer(s, key) != null;
    }

    /**
     * Removes the table subscription filed under {@code key} and returns a future that completes
     * once its subscribe was answered (so the caller answers the unsubscribe after it), or null when
     * there was none.
     */
    public java.util.concurrent.CompletableFuture<Void> unsubscribeAfterAnswer(ClientSession s, String key) {
        Object sub = s.subscriptions().remove(key);
        if (sub instanceof TableSubscription ts) {
            remove(ts);
            return ts.answered();
        }
        return null;
    }

    /** Removes a session's table subscriptions (on disconnect). */
    public void closed(ClientSession s) {
        for (Object sub : s.subscriptions().values()) {
            if (sub instanceof TableSubscription ts) {
                remove(ts);
            }
        }
    }

    private void remove(TableSubscription sub) {
        TableShards index = indexes.get(sub.table());
        if (index != null && index.remove(sub) && index.size() == 0) {
            io.execute(() -> {
                TableShards current = indexes.get(sub.table());
                if (current != null && current.size() == 0) {
                    reader.unfollow(sub.table());
                }
            });
        }
    }

    /** The subscriptions of a table on this node by event loop, or null when it never had any. */
    public TableShards shards(String table) {
        return indexes.get(table);
    }

    /** The replay limit, which also bounds the live events a resuming subscription holds. */
    public int replayLimit() {
        return replayLimit;
    }

    /** Number of table subscriptions on this node. */
    public int subscriptionCount() {
        return indexes.values().stream().mapToInt(TableShards::size).sum();
    }

    /** Acks for the raw protocol. */
    public static byte[] ack(String channel, String ref, Boolean recovered) {
        return ServerMessages.ack(channel, "subscribed", ref, recovered);
    }
}
