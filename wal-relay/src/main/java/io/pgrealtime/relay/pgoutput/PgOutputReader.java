package io.pgrealtime.relay.pgoutput;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked big-endian reads over one message, so that a truncated or garbled message fails
 * with a {@link PgOutputException} naming the message, the field and the offset instead of a bare
 * {@code BufferUnderflowException} from deep inside the decoder.
 *
 * <p>Works on a duplicate of the caller's buffer: the caller's position and limit are untouched.
 * Not thread-safe; one instance per message.
 */
final class PgOutputReader {

    private final ByteBuffer buf;
    private final int start;
    private String context = "pgoutput";

    PgOutputReader(ByteBuffer source) {
        this.buf = source.duplicate().order(ByteOrder.BIG_ENDIAN);
        this.start = buf.position();
    }

    /** Names the message being read, for error messages ({@code "INSERT message"}). */
    void context(String context) {
        this.context = context;
    }

    int remaining() {
        return buf.remaining();
    }

    private int offset() {
        return buf.position() - start;
    }

    private void need(int bytes, String field) {
        if (buf.remaining() < bytes) {
            throw error("truncated: needed " + bytes + " byte(s) for " + field + ", " + buf.remaining() + " left");
        }
    }

    PgOutputException error(String problem) {
        return new PgOutputException("malformed " + context + " at offset " + offset() + ": " + problem);
    }

    char readByteAsChar(String field) {
        need(1, field);
        return (char) (buf.get() & 0xFF);
    }

    int readUnsignedByte(String field) {
        need(1, field);
        return buf.get() & 0xFF;
    }

    int readUnsignedShort(String field) {
        need(2, field);
        return buf.getShort() & 0xFFFF;
    }

    int readInt32(String field) {
        need(4, field);
        return buf.getInt();
    }

    long readInt64(String field) {
        need(8, field);
        return buf.getLong();
    }

    /** A length-prefixed count or size that must be non-negative and fit in what is left. */
    int readLength(String field, int bytesPerUnit) {
        int length = readInt32(field);
        if (length < 0) {
            throw error(field + " is negative (" + length + ")");
        }
        // Check before allocating: garbage must not make us allocate gigabytes.
        if ((long) length * bytesPerUnit > buf.remaining()) {
            throw error("truncated: " + field + " is " + length + " but only " + buf.remaining()
                    + " byte(s) left");
        }
        return length;
    }

    /** A NUL-terminated string (pgoutput's {@code String} field), decoded as UTF-8. */
    String readCString(String field) {
        int from = buf.position();
        int limit = buf.limit();
        int nul = -1;
        for (int i = from; i < limit; i++) {
            if (buf.get(i) == 0) {
                nul = i;
                break;
            }
        }
        if (nul < 0) {
            throw error("truncated: no terminating NUL for " + field);
        }
        String s = decodeUtf8(nul - from);
        buf.position(nul + 1);
        return s;
    }

    /** {@code length} bytes decoded as UTF-8; the length has already been checked by {@link #readLength}. */
    String readText(int length, String field) {
        need(length, field);
        String s = decodeUtf8(length);
        buf.position(buf.position() + length);
        return s;
    }

    byte[] readBytes(int length, String field) {
        need(length, field);
        byte[] bytes = new byte[length];
        buf.get(bytes);
        return bytes;
    }

    /** Protocol v1 messages have no optional trailer: leftover bytes mean we misread the message. */
    void expectEnd() {
        if (buf.hasRemaining()) {
            throw error(buf.remaining() + " unexpected trailing byte(s)");
        }
    }

    private String decodeUtf8(int length) {
        if (length == 0) {
            return "";
        }
        if (buf.hasArray()) {
            // Straight from the backing array into the String: the only copy of the value we make.
            return new String(buf.array(), buf.arrayOffset() + buf.position(), length, StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[length];
        buf.get(buf.position(), bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
