package io.pgrealtime.relay.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pgrealtime.protocol.config.TableConfig;

import java.util.Map;
import java.util.TreeMap;

/**
 * The relay's view of {@code realtime.tables}: loaded at start (from {@code rt:config}, else from
 * PostgreSQL) and then kept current from the WAL, so that each change is judged by the
 * configuration in force at its position in the WAL. Confined to the replication thread.
 */
public final class ConfigState {
    private final Map<String, TableConfig> tables = new TreeMap<>();

    public TableConfig get(String qualifiedName) {
        return tables.get(qualifiedName);
    }

    public void put(TableConfig config) {
        tables.put(config.qualifiedName(), config);
    }

    public void remove(String qualifiedName) {
        tables.remove(qualifiedName);
    }

    public void clear() {
        tables.clear();
    }

    public int size() {
        return tables.size();
    }

    /** Replaces everything with the tables of a snapshot array (the form of {@link #toJson()}). */
    public void load(JsonNode tablesArray) {
        tables.clear();
        if (tablesArray != null && tablesArray.isArray()) {
            tablesArray.forEach(t -> put(TableConfig.fromJson(t)));
        }
    }

    /** The tables as a JSON array, ordered by name. */
    public ArrayNode toJson() {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        tables.values().forEach(t -> a.add(t.toJson()));
        return a;
    }
}
