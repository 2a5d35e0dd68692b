package io.pgrealtime.protocol;

/**
 * The changes of one table: {@code table:{schema}.{table}}.
 *
 * <p>Both parts must be unquoted PostgreSQL identifiers as stored in the catalog: they match
 * {@code [A-Za-z_][A-Za-z0-9_$]*}, compared case-sensitively (so {@code Users} and {@code users}
 * are different tables, as they are for quoted identifiers), at most {@value #MAX_IDENTIFIER_LENGTH}
 * characters (PostgreSQL's NAMEDATALEN - 1; a longer name cannot name any table).
 */
public record TableChannel(String schema, String table) implements Channel {
    /** Channel prefix. */
    public static final String PREFIX = "table";
    /** Schema assumed when a collection or channel names only the table. */
    public static final String DEFAULT_SCHEMA = "public";
    /** Longest identifier PostgreSQL keeps. */
    public static final int MAX_IDENTIFIER_LENGTH = 63;

    /** @throws ChannelException if either part is not a valid identifier */
    public TableChannel {
        checkIdentifier("schema", schema);
        checkIdentifier("table", table);
    }

    /**
     * The channel of a Socket.IO collection or the part after {@code table:}: {@code {table}}
     * (schema {@code public}) or {@code {schema}.{table}}.
     *
     * @throws ChannelException if empty, with more than one dot, or with an invalid identifier
     */
    public static TableChannel fromCollection(String collection) {
        if (collection == null || collection.isEmpty()) {
            throw new ChannelException("table name is empty");
        }
        ChannelNames.checkNoWhitespace("table", collection);
        int dot = collection.indexOf('.');
        if (dot < 0) {
            return new TableChannel(DEFAULT_SCHEMA, collection);
        }
        if (collection.indexOf('.', dot + 1) >= 0) {
            throw new ChannelException("table reference '" + ChannelNames.printable(collection)
                    + "' has more than one dot; expected {schema}.{table} or {table}");
        }
        return new TableChannel(collection.substring(0, dot), collection.substring(dot + 1));
    }

    /** {@code schema.table}, as in stream keys and {@link ChangeEvent#qualifiedTable()}. */
    public String qualifiedTable() {
        return schema + "." + table;
    }

    @Override
    public String name() {
        return PREFIX + ":" + schema + "." + table;
    }

    private static void checkIdentifier(String kind, String id) {
        if (id == null || id.isEmpty()) {
            throw new ChannelException(kind + " name is empty");
        }
        if (id.length() > MAX_IDENTIFIER_LENGTH) {
            throw new ChannelException(kind + " name is longer than " + MAX_IDENTIFIER_LENGTH + " characters");
        }
        boolean valid = isStart(id.charAt(0));
        for (int i = 1; valid && i < id.length(); i++) {
            char c = id.charAt(i);
            valid = isStart(c) || (c >= '0' && c <= '9') || c == '$';
        }
        if (!valid) {
            throw new ChannelException(kind + " name '" + ChannelNames.printable(id)
                    + "' is not a valid identifier; expected [A-Za-z_][A-Za-z0-9_$]*");
        }
    }

    private static boolean isStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }
}
