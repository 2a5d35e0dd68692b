package io.pgrealtime.gateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.protocol.config.TableConfig;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The tables with realtime enabled and their settings, as the relay publishes them: loaded from
 * the {@code rt:config} snapshot at start, then kept current from {@code rt:control}. Thread-safe;
 * updates come from the stream reader thread.
 */
public final class ConfigRegistry {
    private final Map<String, TableConfig> tables = new ConcurrentHashMap<>();
    private final List<Consumer<String>> removalListeners = new CopyOnWriteArrayList<>();

    /** The table's settings, or null when realtime is not enabled on it. */
    public TableConfig table(String qualifiedName) {
        return tables.get(qualifiedName);
    }

    public Collection<TableConfig> tables() {
        return List.copyOf(tables.values());
    }

    /** Called with the table name when realtime is disabled on a table. */
    public void onRemoval(Consumer<String> listener) {
        removalListeners.add(listener);
    }

    /** Replaces everything with a snapshot's tables array. */
    public void load(JsonNode tablesArray) {
        Map<String, TableConfig> next = new ConcurrentHashMap<>();
        if (tablesArray != null && tablesArray.isArray()) {
            tablesArray.forEach(t -> {
                TableConfig tc = TableConfig.fromJson(t);
                next.put(tc.qualifiedName(), tc);
            });
        }
        for (String name : List.copyOf(tables.keySet())) {
            if (!next.containsKey(name)) {
                tables.remove(name);
                removalListeners.forEach(l -> l.accept(name));
            }
        }
        tables.putAll(next);
    }

    /** Applies one {@code kind: config} control entry. */
    public void apply(JsonNode control) {
        switch (control.path("op").asText()) {
            case "upsert" -> {
                TableConfig tc = TableConfig.fromJson(control.get("table"));
                tables.put(tc.qualifiedName(), tc);
            }
            case "remove" -> {
                String name = control.path("name").asText();
                if (tables.remove(name) != null) {
                    removalListeners.forEach(l -> l.accept(name));
                }
            }
            case "clear" -> load(null);
            default -> {
                // An operation from a newer relay: ignore rather than fail the reader.
            }
        }
    }
}
