package io.pgrealtime.relay.pgoutput;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Test-only builder of pgoutput protocol v1 messages, written field by field as PostgreSQL's
 * {@code proto.c} writes them (big-endian integers, NUL-terminated strings).
 */
final class PgOutputBytes {

    private static final Instant PG_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private PgOutputBytes() {
    }

    /** Starts a message with its type byte. */
    static PgOutputBytes message(char type) {
        return new PgOutputBytes().int8(type);
    }

    /** Starts an empty byte sequence (for fragments and garbage). */
    static PgOutputBytes empty() {
        return new PgOutputBytes();
    }

    /** Microseconds since 2000-01-01 UTC, pgoutput's timestamp form. */
    static long pgMicros(Instant instant) {
        Duration d = Duration.between(PG_EPOCH, instant);
        return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1_000);
    }

    PgOutputBytes int8(int v) {
        out.write(v & 0xFF);
        return this;
    }

    PgOutputBytes int16(int v) {
        return int8(v >>> 8).int8(v);
    }

    PgOutputBytes int32(int v) {
        return int16(v >>> 16).int16(v);
    }

    PgOutputBytes int64(long v) {
        return int32((int) (v >>> 32)).int32((int) v);
    }

    PgOutputBytes cstring(String s) {
        raw(s.getBytes(StandardCharsets.UTF_8));
        return int8(0);
    }

    PgOutputBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    PgOutputBytes timestamp(Instant instant) {
        return int64(pgMicros(instant));
    }

    // --- TupleData ---

    /** Int16 column count; follow with one {@code nullValue}/{@code unchanged}/{@code text} per column. */
    PgOutputBytes tuple(int columns) {
        return int16(columns);
    }

    PgOutputBytes nullValue() {
        return int8('n');
    }

    PgOutputBytes unchanged() {
        return int8('u');
    }

    PgOutputBytes text(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return int8('t').int32(bytes.length).raw(bytes);
    }

    /** A whole tuple of text values, {@code null} elements as 'n'. */
    PgOutputBytes textTuple(String... values) {
        tuple(values.length);
        for (String v : values) {
            if (v == null) {
                nullValue();
            } else {
                text(v);
            }
        }
        return this;
    }

    // --- Relation ---

    PgOutputBytes column(boolean key, String name, int typeOid, int typeModifier) {
        return int8(key ? 1 : 0).cstring(name).int32(typeOid).int32(typeModifier);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    int size() {
        return out.size();
    }

    /** A heap buffer positioned at the message. */
    ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes());
    }
}
