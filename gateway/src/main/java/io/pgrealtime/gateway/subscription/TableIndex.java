package io.pgrealtime.gateway.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.filter.CompiledFilter;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The subscriptions of one table, indexed so that matching a change costs what it matches, not
 * what is subscribed: a subscription whose filter has a top-level equality ({@code user_id = 'u1'})
 * is filed under (column, typed value) of one such equality; others are scanned for every change.
 * Candidates are then checked with their full filter by the caller.
 *
 * <p>Copy-on-write: {@link #add}/{@link #remove} (rare, any thread) publish new arrays;
 * {@link #candidates} (the fan-out thread) reads without locking.
 */
public final class TableIndex {
    private static final TableSubscription[] NONE = new TableSubscription[0];

    private volatile TableSubscription[] scanned = NONE;
    private volatile Map<String, Column> byColumn = Map.of();
    private int size;

    /** The subscriptions filed under one column: value key to subscriptions. */
    private record Column(CompiledFilter keyer, Map<Object, TableSubscription[]> buckets) {
    }

    public synchronized void add(TableSubscription sub) {
        size++;
        Map.Entry<String, Object> key = indexKey(sub);
        if (key == null) {
            scanned = append(scanned, sub);
            return;
        }
        Map<String, Column> columns = new HashMap<>(byColumn);
        Column col = columns.get(key.getKey());
        Map<Object, TableSubscription[]> buckets = col == null ? new HashMap<>() : new HashMap<>(col.buckets());
        buckets.put(key.getValue(), append(buckets.getOrDefault(key.getValue(), NONE), sub));
        columns.put(key.getKey(), new Column(col == null ? sub.filter() : col.keyer(), Map.copyOf(buckets)));
        byColumn = Map.copyOf(columns);
    }

    public synchronized boolean remove(TableSubscription sub) {
        Map.Entry<String, Object> key = indexKey(sub);
        if (key == null) {
            TableSubscription[] next = without(scanned, sub);
            if (next == scanned) {
                return false;
            }
            scanned = next;
        } else {
            Column col = byColumn.get(key.getKey());
            if (col == null) {
                return false;
            }
            TableSubscription[] bucket = col.buckets().get(key.getValue());
            TableSubscription[] next = bucket == null ? null : without(bucket, sub);
            if (next == null || next == bucket) {
                return false;
            }
            Map<Object, TableSubscription[]> buckets = new HashMap<>(col.buckets());
            if (next.length == 0) {
                buckets.remove(key.getValue());
            } else {
                buckets.put(key.getValue(), next);
            }
            Map<String, Column> columns = new HashMap<>(byColumn);
            if (buckets.isEmpty()) {
                columns.remove(key.getKey());
            } else {
                columns.put(key.getKey(), new Column(col.keyer(), Map.copyOf(buckets)));
            }
            byColumn = Map.copyOf(columns);
        }
        size--;
        return true;
    }

    public synchronized int size() {
        return size;
    }

    /** Every subscription that may match {@code row} (a superset of the matches). */
    public void candidates(ObjectNode row, Consumer<TableSubscription> sink) {
        for (TableSubscription s : scanned) {
            sink.accept(s);
        }
        if (row == null) {
            return;
        }
        for (Map.Entry<String, Column> e : byColumn.entrySet()) {
            JsonNode value = row.get(e.getKey());
            Object key = e.getValue().keyer().equalityKey(e.getKey(), value);
            if (key == null) {
                continue;
            }
            TableSubscription[] bucket = e.getValue().buckets().get(key);
            if (bucket != null) {
                for (TableSubscription s : bucket) {
                    sink.accept(s);
                }
            }
        }
    }

    /** Every subscription, for events that reach all (TRUNCATE). */
    public void all(Consumer<TableSubscription> sink) {
        for (TableSubscription s : scanned) {
            sink.accept(s);
        }
        for (Column c : byColumn.values()) {
            for (TableSubscription[] bucket : c.buckets().values()) {
                for (TableSubscription s : bucket) {
                    sink.accept(s);
                }
            }
        }
    }

    private static Map.Entry<String, Object> indexKey(TableSubscription sub) {
        if (sub.filter() == null || sub.filter().equalityKeys().isEmpty()) {
            return null;
        }
        // Any one equality narrows the candidates; the first in column order keeps it deterministic.
        String column = sub.filter().equalityKeys().keySet().stream().sorted().findFirst().orElseThrow();
        return Map.entry(column, sub.filter().equalityKeys().get(column));
    }

    private static TableSubscription[] append(TableSubscription[] a, TableSubscription s) {
        TableSubscription[] n = Arrays.copyOf(a, a.length + 1);
        n[a.length] = s;
        return n;
    }

    private static TableSubscription[] without(TableSubscription[] a, TableSubscription s) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == s) {
                TableSubscription[] n = new TableSubscription[a.length - 1];
                System.arraycopy(a, 0, n, 0, i);
                System.arraycopy(a, i + 1, n, i, a.length - i - 1);
                return n;
            }
        }
        return a;
    }
}
