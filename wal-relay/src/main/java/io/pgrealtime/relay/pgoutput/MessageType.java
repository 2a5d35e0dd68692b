package io.pgrealtime.relay.pgoutput;

/**
 * The pgoutput protocol version 1 message types, by their first byte.
 *
 * <p>Version 2+ adds streaming (Stream Start/Stop/Commit/Abort) and version 3 two-phase messages;
 * the relay asks for {@code proto_version 1}, so those bytes never arrive and are rejected by
 * {@link #forType(char)} like any other unknown byte.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html">Logical
 *      Replication Message Formats</a>
 */
public enum MessageType {
    BEGIN('B'),
    COMMIT('C'),
    ORIGIN('O'),
    RELATION('R'),
    TYPE('Y'),
    INSERT('I'),
    UPDATE('U'),
    DELETE('D'),
    TRUNCATE('T'),
    MESSAGE('M');

    private final char code;

    MessageType(char code) {
        this.code = code;
    }

    /** The byte that identifies this message type on the wire. */
    public char code() {
        return code;
    }

    /**
     * The message type for a first byte.
     *
     * @throws PgOutputException for a byte that is not a protocol v1 message type
     */
    public static MessageType forType(char type) {
        return switch (type) {
            case 'B' -> BEGIN;
            case 'C' -> COMMIT;
            case 'O' -> ORIGIN;
            case 'R' -> RELATION;
            case 'Y' -> TYPE;
            case 'I' -> INSERT;
            case 'U' -> UPDATE;
            case 'D' -> DELETE;
            case 'T' -> TRUNCATE;
            case 'M' -> MESSAGE;
            default -> throw new PgOutputException("unknown pgoutput message type " + describe(type)
                    + " (expected one of B C O R Y I U D T M of protocol version 1)");
        };
    }

    /** {@code 'X' (0x58)} for printable bytes, {@code 0x07} otherwise: garbage is often unprintable. */
    static String describe(char c) {
        String hex = String.format("0x%02X", (int) c);
        return c >= 0x20 && c < 0x7F ? "'" + c + "' (" + hex + ")" : hex;
    }
}
