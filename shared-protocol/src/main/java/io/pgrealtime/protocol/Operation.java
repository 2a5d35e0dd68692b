package io.pgrealtime.protocol;

import java.util.Locale;

/** The kind of change an event describes; the names are the wire form ({@code "INSERT"}, …). */
public enum Operation {
    INSERT, UPDATE, DELETE, TRUNCATE;

    /** Lower-case action name as used in {@code realtime.tables.actions} and Socket.IO event names. */
    public String action() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code insert}/{@code INSERT} etc.; throws {@link IllegalArgumentException} for anything else. */
    public static Operation of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
