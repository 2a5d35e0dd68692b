package io.pgrealtime.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a {@link ChangeEvent}: what the relay stores in Redis and what clients see as
 * {@code payload}.
 *
 * <pre>{@code
 * {"id":"<stream id>","lsn":"<unsigned decimal>","xid":123,
 *  "commit_timestamp":"2026-01-09T10:30:00.000Z","commit_us":1767954600000000,
 *  "schema":"public","table":"users","type":"INSERT","pk":["id"],
 *  "record":{...},"old_record":{...},"unchanged_toast":["col"]}
 * }</pre>
 *
 * <ul>
 *   <li>{@code id} is omitted when null (the relay leaves it to the stream entry ID);
 *       {@code record}/{@code old_record} when null; {@code unchanged_toast} when empty;
 *       {@code commit_timestamp}/{@code commit_us} when the commit time is null.</li>
 *   <li>{@code lsn} is a string because a 64-bit unsigned value does not survive JavaScript
 *       numbers.</li>
 *   <li>{@code commit_timestamp} is UTC with exactly three fractional digits (what clients
 *       display); {@code commit_us} carries the full PostgreSQL precision (epoch microseconds)
 *       and wins on decode. Precision below a microsecond is dropped (floor).</li>
 *   <li>Row values are written exactly as held in the nodes: a BigDecimal keeps its digits.</li>
 * </ul>
 *
 * <p>Encoding streams through a {@link JsonGenerator} (no intermediate tree). Thread-safe.
 */
public final class ChangeEventJson {
    public static final String ID = "id";
    public static final String LSN = "lsn";
    public static final String XID = "xid";
    public static final String COMMIT_TIMESTAMP = "commit_timestamp";
    public static final String COMMIT_US = "commit_us";
    public static final String SCHEMA = "schema";
    public static final String TABLE = "table";
    public static final String TYPE = "type";
    public static final String PK = "pk";
    public static final String RECORD = "record";
    public static final String OLD_RECORD = "old_record";
    public static final String UNCHANGED_TOAST = "unchanged_toast";

    private static final SerializableString F_ID = new SerializedString(ID);
    private static final SerializableString F_LSN = new SerializedString(LSN);
    private static final SerializableString F_XID = new SerializedString(XID);
    private static final SerializableString F_COMMIT_TIMESTAMP = new SerializedString(COMMIT_TIMESTAMP);
    private static final SerializableString F_COMMIT_US = new SerializedString(COMMIT_US);
    private static final SerializableString F_SCHEMA = new SerializedString(SCHEMA);
    private static final SerializableString F_TABLE = new SerializedString(TABLE);
    private static final SerializableString F_TYPE = new SerializedString(TYPE);
    private static final SerializableString F_PK = new SerializedString(PK);
    private static final SerializableString F_RECORD = new SerializedString(RECORD);
    private static final SerializableString F_OLD_RECORD = new SerializedString(OLD_RECORD);
    private static final SerializableString F_UNCHANGED_TOAST = new SerializedString(UNCHANGED_TOAST);

    /** Fallback for years outside 0000..9999 (sign and more digits, as ISO-8601 expanded years). */
    private static final DateTimeFormatter WIDE_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private ChangeEventJson() {
    }

    /** The event as UTF-8 JSON bytes. */
    public static byte[] encode(ChangeEvent event) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            write(event, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The event as a JSON string. */
    public static String encodeToString(ChangeEvent event) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            write(event, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes the event as one JSON object. */
    public static void write(ChangeEvent event, JsonGenerator g) throws IOException {
        g.writeStartObject();
        writeFields(event, g);
        g.writeEndObject();
    }

    /**
     * Writes the event's fields into an object the caller has started, so that a transport can
     * add its own fields (for example {@code "view"}) without building a tree.
     */
    public static void writeFields(ChangeEvent event, JsonGenerator g) throws IOException {
        if (event.id() != null) {
            g.writeFieldName(F_ID);
            g.writeString(event.id());
        }
        g.writeFieldName(F_LSN);
        g.writeString(Long.toUnsignedString(event.lsn()));
        g.writeFieldName(F_XID);
        g.writeNumber(event.xid());
        Instant commit = event.commitTime();
        if (commit != null) {
            g.writeFieldName(F_COMMIT_TIMESTAMP);
            g.writeString(formatTimestamp(commit));
            g.writeFieldName(F_COMMIT_US);
            g.writeNumber(toEpochMicros(commit));
        }
        g.writeFieldName(F_SCHEMA);
        g.writeString(event.schema());
        g.writeFieldName(F_TABLE);
        g.writeString(event.table());
        g.writeFieldName(F_TYPE);
        g.writeString(event.operation().name());
        g.writeFieldName(F_PK);
        writeStrings(g, event.primaryKey());
        if (event.record() != null) {
            g.writeFieldName(F_RECORD);
            Json.writeTree(g, event.record());
        }
        if (event.oldRecord() != null) {
            g.writeFieldName(F_OLD_RECORD);
            Json.writeTree(g, event.oldRecord());
        }
        if (!event.unchangedToast().isEmpty()) {
            g.writeFieldName(F_UNCHANGED_TOAST);
            writeStrings(g, event.unchangedToast());
        }
    }

    /**
     * Decodes UTF-8 JSON bytes.
     *
     * @throws IllegalArgumentException if the bytes are not a change event
     */
    public static ChangeEvent decode(byte[] json) {
        try {
            return fromTree(Json.mapper().readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("change event is not valid JSON: " + message(e), e);
        }
    }

    /**
     * Decodes a JSON string.
     *
     * @throws IllegalArgumentException if the string is not a change event
     */
    public static ChangeEvent decode(String json) {
        try {
            return fromTree(Json.mapper().readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("change event is not valid JSON: " + message(e), e);
        }
    }

    /**
     * Decodes a parsed tree. {@code schema}, {@code table} and {@code type} are required; absent
     * {@code lsn}/{@code xid} read as 0, absent {@code pk}/{@code unchanged_toast} as empty, an
     * absent time as null. The record nodes are taken over, not copied. Unknown fields are ignored.
     *
     * @throws IllegalArgumentException if a field is missing or has the wrong JSON type
     */
    public static ChangeEvent fromTree(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("change event must be a JSON object");
        }
        String id = optionalText(node, ID);
        long lsn = unsigned(node.get(LSN));
        long xid = longValue(node, XID);
        Instant commit = commitTime(node);
        String schema = requiredText(node, SCHEMA);
        String table = requiredText(node, TABLE);
        String type = requiredText(node, TYPE);
        Operation operation;
        try {
            operation = Operation.of(type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown change type '" + type + "'", e);
        }
        return new ChangeEvent(id, lsn, xid, commit, schema, table, operation, strings(node, PK),
                objectOrNull(node, RECORD), objectOrNull(node, OLD_RECORD), strings(node, UNCHANGED_TOAST));
    }

    /** UTC ISO-8601 with exactly three fractional digits and {@code Z}, e.g. {@code 2026-01-09T10:30:00.000Z}. */
    public static String formatTimestamp(Instant t) {
        LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
        int year = d.getYear();
        if (year < 0 || year > 9999) {
            return WIDE_MILLIS.format(t);
        }
        char[] c = new char[24];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, d.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, d.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, d.getHour(), 2);
        c[13] = ':';
        digits(c, 14, d.getMinute(), 2);
        c[16] = ':';
        digits(c, 17, d.getSecond(), 2);
        c[19] = '.';
        digits(c, 20, d.getNano() / 1_000_000, 3);
        c[23] = 'Z';
        return new String(c);
    }

    /** Microseconds since the Unix epoch, rounded down. */
    public static long toEpochMicros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    /** The instant of a count of microseconds since the Unix epoch. */
    public static Instant fromEpochMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    private static String message(IOException e) {
        return e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private static void writeStrings(JsonGenerator g, List<String> values) throws IOException {
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static Instant commitTime(JsonNode node) {
        JsonNode us = node.get(COMMIT_US);
        if (us != null && !us.isNull()) {
            if (!us.isIntegralNumber() || !us.canConvertToLong()) {
                throw new IllegalArgumentException("commit_us must be an integer");
            }
            return fromEpochMicros(us.longValue());
        }
        String text = optionalText(node, COMMIT_TIMESTAMP);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("commit_timestamp is not an ISO-8601 instant: " + text, e);
        }
    }

    private static long unsigned(JsonNode n) {
        if (n == null || n.isNull()) {
            return 0;
        }
        try {
            if (n.isTextual()) {
                return Long.parseUnsignedLong(n.textValue());
            }
            if (n.isIntegralNumber()) {
                BigInteger v = n.bigIntegerValue();
                if (v.signum() >= 0 && v.bitLength() <= 64) {
                    return v.longValue();
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("lsn is not an unsigned 64-bit number: " + n, e);
        }
        throw new IllegalArgumentException("lsn is not an unsigned 64-bit number: " + n);
    }

    private static long longValue(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new IllegalArgumentException(field + " must be an integer");
        }
        return n.longValue();
    }

    private static String requiredText(JsonNode node, String field) {
        String text = optionalText(node, field);
        if (text == null) {
            throw new IllegalArgumentException("change event has no " + field);
        }
        return text;
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return n.textValue();
    }

    private static ObjectNode objectOrNull(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException(field + " must be an object");
        }
        return (ObjectNode) n;
    }

    private static List<String> strings(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new IllegalArgumentException(field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException(field + " must be an array of strings");
            }
            out.add(e.textValue());
        }
        return out;
    }
}
