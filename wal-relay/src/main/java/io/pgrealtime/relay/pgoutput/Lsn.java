package io.pgrealtime.relay.pgoutput;

import java.util.Locale;

/**
 * A PostgreSQL log sequence number: a byte position in the write-ahead log.
 *
 * <p>The value is an <em>unsigned</em> 64-bit integer kept in a {@code long}: ordering and the
 * decimal form ({@link #toUnsignedString()}) treat it as unsigned, so positions past
 * {@code 8000000/0} (not reachable in practice, but cheap to get right) still order correctly.
 * The text form is PostgreSQL's {@code pg_lsn} form: two upper-case hexadecimal halves without
 * padding, {@code 16/B374D848}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Lsn implements Comparable<Lsn> {

    /** {@code 0/0}: PostgreSQL's {@code InvalidXLogRecPtr}, "no position". */
    public static final Lsn INVALID_LSN = new Lsn(0L);

    private final long value;

    private Lsn(long value) {
        this.value = value;
    }

    /** The LSN with the given raw (unsigned) value; {@code 0} gives {@link #INVALID_LSN}. */
    public static Lsn valueOf(long value) {
        return value == 0L ? INVALID_LSN : new Lsn(value);
    }

    /**
     * Parses PostgreSQL's text form {@code XXXXXXXX/XXXXXXXX} (each half 1 to 8 hex digits, either
     * case).
     *
     * @throws IllegalArgumentException if {@code text} is null or not of that form
     */
    public static Lsn valueOf(String text) {
        if (text == null) {
            throw new IllegalArgumentException("LSN text is null");
        }
        int slash = text.indexOf('/');
        if (slash < 1 || slash > 8 || text.length() - slash - 1 < 1 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("not an LSN (expected X/X in hex): '" + text + "'");
        }
        long high = parseHexHalf(text, 0, slash);
        long low = parseHexHalf(text, slash + 1, text.length());
        return valueOf(high << 32 | low);
    }

    private static long parseHexHalf(String text, int from, int to) {
        long result = 0;
        for (int i = from; i < to; i++) {
            // Character.digit accepts non-ASCII digits too; restrict to [0-9a-fA-F] explicitly.
            char c = text.charAt(i);
            int digit;
            if (c >= '0' && c <= '9') {
                digit = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                digit = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                digit = c - 'A' + 10;
            } else {
                throw new IllegalArgumentException("not an LSN (expected X/X in hex): '" + text + "'");
            }
            result = result << 4 | digit;
        }
        return result;
    }

    /** The raw value, to be read as unsigned (for the JDBC driver's {@code LogSequenceNumber.valueOf(long)}). */
    public long asLong() {
        return value;
    }

    /** Whether this is a real position, i.e. not {@code 0/0}. */
    public boolean isValid() {
        return value != 0L;
    }

    /** Whether this position is strictly after {@code other} (unsigned comparison). */
    public boolean isAfter(Lsn other) {
        return compareTo(other) > 0;
    }

    /** Whether this position is strictly before {@code other} (unsigned comparison). */
    public boolean isBefore(Lsn other) {
        return compareTo(other) < 0;
    }

    /** The value as an unsigned decimal, the form used in Redis stream IDs. */
    public String toUnsignedString() {
        return Long.toUnsignedString(value);
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lsn other && other.value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    /** PostgreSQL's form, {@code 16/B374D848}: upper-case hex halves, no zero padding. */
    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase(Locale.ROOT) + '/'
                + Long.toHexString(value & 0xFFFF_FFFFL).toUpperCase(Locale.ROOT);
    }
}
