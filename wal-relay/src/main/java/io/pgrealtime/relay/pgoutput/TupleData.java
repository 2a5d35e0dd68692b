package io.pgrealtime.relay.pgoutput;

import java.util.Arrays;
import java.util.Objects;

/**
 * The column values of one row as pgoutput sends them ({@code TupleData}): for each column, in
 * the order of the relation's columns, a kind and, for text values, the text.
 *
 * <ul>
 *   <li>{@link #KIND_NULL 'n'}: SQL NULL;</li>
 *   <li>{@link #KIND_UNCHANGED_TOAST 'u'}: a TOASTed value the change did not touch; the server
 *       does not send it, so its value is unknown here (not null!);</li>
 *   <li>{@link #KIND_TEXT 't'}: the value in the type's text output form.</li>
 * </ul>
 * The binary kind ({@code 'b'}) exists only when the {@code binary} option is on, which the
 * relay never asks for; the decoder rejects it.
 *
 * <p>Text values are decoded from UTF-8 straight out of the message buffer into the {@code String}
 * (one copy, no intermediate array): every value of a row is needed anyway to build the JSON row,
 * and holding Strings rather than offsets into the buffer means a message never depends on a buffer
 * the replication client may reuse.
 *
 * <p>Immutable and thread-safe.
 */
public final class TupleData {

    /** Column is SQL NULL. */
    public static final char KIND_NULL = 'n';
    /** Column is an unchanged TOASTed value whose content was not sent. */
    public static final char KIND_UNCHANGED_TOAST = 'u';
    /** Column value follows in text form. */
    public static final char KIND_TEXT = 't';

    private final char[] kinds;
    private final String[] values;

    private TupleData(char[] kinds, String[] values) {
        this.kinds = kinds;
        this.values = values;
    }

    /**
     * A tuple from per-column kinds and values (copied).
     *
     * @param kinds  one of {@code 'n'}, {@code 'u'}, {@code 't'} per column
     * @param values the text for {@code 't'} columns (non-null), {@code null} for the others
     * @throws IllegalArgumentException if the arrays differ in length or a kind and its value do not agree
     */
    public static TupleData of(char[] kinds, String[] values) {
        Objects.requireNonNull(kinds, "kinds");
        Objects.requireNonNull(values, "values");
        if (kinds.length != values.length) {
            throw new IllegalArgumentException(kinds.length + " kinds but " + values.length + " values");
        }
        for (int i = 0; i < kinds.length; i++) {
            boolean text = kinds[i] == KIND_TEXT;
            if (!text && kinds[i] != KIND_NULL && kinds[i] != KIND_UNCHANGED_TOAST) {
                throw new IllegalArgumentException("column " + i + ": unknown kind '" + kinds[i] + "'");
            }
            if (text != (values[i] != null)) {
                throw new IllegalArgumentException("column " + i + ": kind '" + kinds[i]
                        + (text ? "' needs a value" : "' takes no value"));
            }
        }
        return new TupleData(kinds.clone(), values.clone());
    }

    /** A tuple of text values where a {@code null} element is SQL NULL; for tests and tools. */
    public static TupleData ofText(String... values) {
        char[] kinds = new char[values.length];
        for (int i = 0; i < values.length; i++) {
            kinds[i] = values[i] == null ? KIND_NULL : KIND_TEXT;
        }
        return new TupleData(kinds, values.clone());
    }

    /** Used by the decoder, which hands over fresh arrays it will not touch again. */
    static TupleData wrap(char[] kinds, String[] values) {
        return new TupleData(kinds, values);
    }

    /** Number of columns. */
    public int size() {
        return kinds.length;
    }

    /** The kind of column {@code i}: {@code 'n'}, {@code 'u'} or {@code 't'}. */
    public char kind(int i) {
        return kinds[i];
    }

    public boolean isNull(int i) {
        return kinds[i] == KIND_NULL;
    }

    public boolean isUnchangedToast(int i) {
        return kinds[i] == KIND_UNCHANGED_TOAST;
    }

    /** The text of column {@code i}, or {@code null} unless its kind is {@code 't'}. */
    public String text(int i) {
        return values[i];
    }

    /** Whether any column is an unchanged TOAST value. */
    public boolean hasUnchangedToast() {
        for (char kind : kinds) {
            if (kind == KIND_UNCHANGED_TOAST) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TupleData other && Arrays.equals(kinds, other.kinds)
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(kinds) + Arrays.hashCode(values);
    }

    /** Debug form; values are shown in full, so do not log it where data must not appear. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TupleData[");
        for (int i = 0; i < kinds.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            switch (kinds[i]) {
                case KIND_NULL -> sb.append("NULL");
                case KIND_UNCHANGED_TOAST -> sb.append("<unchanged toast>");
                default -> sb.append('\'').append(values[i]).append('\'');
            }
        }
        return sb.append(']').toString();
    }
}
