package io.pgrealtime.relay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.StreamMessage;
import io.pgrealtime.protocol.ChangeEventJson;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.StreamId;
import io.pgrealtime.relay.config.RelayConfig;
import io.pgrealtime.relay.publish.StreamEntry;
import io.pgrealtime.relay.replication.ReplicationStep;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Golden SQL → event fixtures, in the style of zendesk/maxwell: each
 * {@code src/test/resources/golden/NN_name.sql} runs against a streaming relay and the events it
 * produces must equal {@code NN_name.events.json} beside it. A decoder or conversion change that
 * alters any event shows up as a diff.
 *
 * <p>A fixture's SQL has a setup part and, after a line {@code -- changes}, the changes part. Each
 * part is sent as one multi-statement string in autocommit mode over the simple query protocol, so
 * explicit {@code BEGIN; … COMMIT;} blocks are transactions as written. The events compared are
 * those whose commit LSN lies between the end of the setup and the end of the changes: every
 * table stream (so an event routed to an unexpected stream shows up) and the broadcast entries of
 * the control stream, merged in stream-ID order.
 *
 * <p>Normalized form: the fields that differ between runs ({@code id}, {@code lsn}, {@code xid},
 * {@code commit_timestamp}, {@code commit_us}) are checked for consistency here and then replaced
 * by {@code tx} (1, 2, … per distinct commit LSN of the fixture) and {@code index} (the position
 * within the transaction, the stream ID's sequence); {@code stream} is the Redis key without the
 * key prefix. Numbers are compared with their exact lexemes ({@code 1.50} is not {@code 1.5}).
 *
 * <p>{@code -Dgolden.update=true} rewrites the {@code .events.json} files instead of comparing;
 * review every rewritten file by hand before committing it. {@code -Dgolden.only=07,12_replica}
 * runs (or rewrites) only the fixtures whose names start with one of the given prefixes.
 */
@RealtimeIntegrationTest
class GoldenFixturesIT {
    private static final String CHANGES_MARKER = "-- changes";
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");
    private static final List<String> ONLY = System.getProperty("golden.only", "").isBlank() ? List.of()
            : List.of(System.getProperty("golden.only").split("\\s*,\\s*"));
    /** Fields that differ between runs; checked, then replaced by {@code tx} and {@code index}. */
    private static final Set<String> VOLATILE = Set.of(ChangeEventJson.ID, ChangeEventJson.LSN, ChangeEventJson.XID,
            ChangeEventJson.COMMIT_TIMESTAMP, ChangeEventJson.COMMIT_US);
    private static final Pattern COMMIT_TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");

    private static RelayFixture fx;
    private static Relay relay;

    @BeforeAll
    static void startRelay(TestDatabase db, TestRedis redis) {
        fx = new RelayFixture(db, redis);
        RelayConfig config = fx.config("golden");
        // A fixture is done when the slot is confirmed past its last change; heartbeats move the
        // confirmation past transactions that published nothing (rollbacks, skipped tables).
        config.setHeartbeatInterval(Duration.ofMillis(100));
        config.setStatusInterval(Duration.ofMillis(50));
        relay = fx.start(config);
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.step() == ReplicationStep.STREAMING);
    }

    @AfterAll
    static void stopRelay() {
        if (fx != null) {
            fx.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> goldenFixtures() throws IOException {
        Path dir = fixtureDirectory();
        List<Path> scripts;
        try (Stream<Path> files = Files.list(dir)) {
            scripts = files.filter(p -> p.getFileName().toString().endsWith(".sql"))
                    .filter(p -> ONLY.isEmpty() || ONLY.stream().anyMatch(p.getFileName().toString()::startsWith))
                    .sorted().toList();
        }
        assertThat(scripts).as("fixtures in %s", dir).isNotEmpty();
        return scripts.stream().map(sql -> {
            String name = sql.getFileName().toString().replaceFirst("\\.sql$", "");
            return DynamicTest.dynamicTest(name, sql.toUri(), () -> runFixture(name, sql));
        });
    }

    private static Path fixtureDirectory() {
        String configured = System.getProperty("golden.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        // Failsafe runs in the module directory; an IDE may run in the reactor root.
        for (String candidate : List.of("src/test/resources/golden", "wal-relay/src/test/resources/golden")) {
            Path p = Path.of(candidate);
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("golden fixture directory not found; set -Dgolden.dir");
    }

    private void runFixture(String name, Path sqlFile) throws Exception {
        String script = Files.readString(sqlFile, StandardCharsets.UTF_8);
        int marker = markerLine(script);
        if (marker < 0) {
            throw new IllegalStateException(sqlFile + " has no line '" + CHANGES_MARKER + "'");
        }
        String setup = script.substring(0, marker);
        String changes = script.substring(script.indexOf('\n', marker) + 1);

        execute(setup, name + " setup");
        long from = currentLsn();
        execute(changes, name + " changes");
        long to = currentLsn();
        try {
            // Not fail-fast on a relay restart: a session that reconnects resumes from the slot.
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(25))
                    .until(() -> Long.compareUnsigned(fx.confirmedFlush(), to) >= 0);
        } catch (ConditionTimeoutException e) {
            throw new AssertionFailedError(name + ": the relay did not confirm the slot past the fixture's changes ("
                    + Long.toUnsignedString(to) + ") within 30 s; relay step " + relay.step(), e);
        }

        String actual = format(normalize(collect(from, to)));
        Path expectedFile = sqlFile.resolveSibling(name + ".events.json");
        if (UPDATE) {
            Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(expectedFile)) {
            throw new AssertionFailedError(expectedFile + " is missing; run with -Dgolden.update=true to create it, "
                    + "then review it. Actual events:\n" + actual);
        }
        String expected = format(Files.readString(expectedFile, StandardCharsets.UTF_8));
        if (!expected.equals(actual)) {
            throw new AssertionFailedError(name + ": events differ from " + expectedFile.getFileName()
                    + " (- expected, + actual)\n" + lineDiff(expected, actual) + "\nactual events:\n" + actual,
                    expected, actual);
        }
    }

    private static int markerLine(String script) {
        int at = 0;
        for (String line : script.split("\n", -1)) {
            if (line.strip().equals(CHANGES_MARKER)) {
                return at;
            }
            at += line.length() + 1;
        }
        return -1;
    }

    // ---- database ----

    private static Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", fx.db.user());
        p.setProperty("password", fx.db.password());
        // The simple query protocol: a multi-statement string with BEGIN/COMMIT runs as written.
        p.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(fx.db.jdbcUrl(), p);
    }

    private static void execute(String sql, String what) {
        if (sql.isBlank()) {
            return;
        }
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        }
    }

    private static long currentLsn() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::text")) {
            rs.next();
            return Long.parseUnsignedLong(rs.getString(1));
        }
    }

    // ---- Redis ----

    private record Entry(String stream, StreamId id, String body) {
    }

    /** Every table-stream entry and control-stream broadcast with a commit LSN in [from, to). */
    private static List<Entry> collect(long from, long to) {
        List<String> streams = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = fx.redis().scan(cursor,
                    ScanArgs.Builder.matches(fx.keys.changesPrefix() + "*").limit(1000));
            streams.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        streams.add(fx.keys.control());

        List<Entry> out = new ArrayList<>();
        Range<String> range = Range.create(Long.toUnsignedString(from) + "-0", "+");
        for (String key : streams) {
            for (StreamMessage<String, String> m : fx.redis().xrange(key, range)) {
                StreamId id = StreamId.parse(m.getId());
                if (Long.compareUnsigned(id.lsn(), to) >= 0) {
                    continue;
                }
                String body = m.getBody().get(StreamEntry.FIELD);
                if (key.equals(fx.keys.control()) && !"broadcast".equals(readTree(body).path("kind").asText())) {
                    continue;
                }
                out.add(new Entry(key.substring(fx.keys.prefix().length()), id, body));
            }
        }
        out.sort(Comparator.comparing(Entry::id));
        return out;
    }

    // ---- normalization ----

    /** Checks the volatile fields, then writes the entries as a JSON array in normalized form. */
    private static String normalize(List<Entry> entries) throws IOException {
        Map<Long, Integer> tx = new HashMap<>();
        Map<Long, Long> xids = new HashMap<>();
        Map<Long, Long> commitMicros = new HashMap<>();
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            g.writeStartArray();
            for (Entry e : entries) {
                int ordinal = tx.computeIfAbsent(e.id().lsn(), lsn -> tx.size() + 1);
                checkVolatileFields(e, readTree(e.body()), xids, commitMicros);
                g.writeStartObject();
                g.writeNumberField("tx", ordinal);
                g.writeNumberField("index", e.id().seq());
                g.writeStringField("stream", e.stream());
                try (JsonParser p = Json.factory().createParser(e.body())) {
                    expect(p.nextToken() == JsonToken.START_OBJECT, e, "body is not a JSON object");
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        p.nextToken();
                        if (VOLATILE.contains(field)) {
                            p.skipChildren();
                        } else {
                            g.writeFieldName(field);
                            copyExact(p, g);
                        }
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return out.toString();
    }

    private static void checkVolatileFields(Entry e, JsonNode body, Map<Long, Long> xids, Map<Long, Long> commitMicros) {
        long lsn = e.id().lsn();
        JsonNode us = body.get(ChangeEventJson.COMMIT_US);
        expect(us != null && us.canConvertToLong(), e, "commit_us missing");
        Long first = commitMicros.putIfAbsent(lsn, us.longValue());
        expect(first == null || first == us.longValue(), e, "commit_us differs within one transaction");
        if (e.stream().equals(fx.keys.control().substring(fx.keys.prefix().length()))) {
            return;
        }
        expect(e.id().toString().equals(body.path(ChangeEventJson.ID).asText()), e, "id is not the stream entry ID");
        expect(Long.toUnsignedString(lsn).equals(body.path(ChangeEventJson.LSN).asText()), e,
                "lsn is not the stream ID's commit LSN");
        String ts = body.path(ChangeEventJson.COMMIT_TIMESTAMP).asText();
        expect(COMMIT_TIMESTAMP.matcher(ts).matches(), e, "commit_timestamp is not UTC ISO-8601 with milliseconds");
        expect(ts.equals(ChangeEventJson.formatTimestamp(ChangeEventJson.fromEpochMicros(us.longValue()))), e,
                "commit_timestamp does not match commit_us");
        JsonNode xid = body.get(ChangeEventJson.XID);
        expect(xid != null && xid.canConvertToLong() && xid.longValue() > 0, e, "xid missing");
        Long firstXid = xids.putIfAbsent(lsn, xid.longValue());
        expect(firstXid == null || firstXid == xid.longValue(), e, "xid differs within one transaction");
    }

    private static void expect(boolean condition, Entry e, String problem) {
        if (!condition) {
            throw new AssertionFailedError(problem + ": " + e.stream() + " " + e.id() + " " + e.body());
        }
    }

    /** Copies the current value, numbers with their exact lexeme. */
    private static void copyExact(JsonParser p, JsonGenerator g) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                g.writeStartObject();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    g.writeFieldName(p.currentName());
                    p.nextToken();
                    copyExact(p, g);
                }
                g.writeEndObject();
            }
            case START_ARRAY -> {
                g.writeStartArray();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    copyExact(p, g);
                }
                g.writeEndArray();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
            default -> g.copyCurrentEvent(p);
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- formatting and diff ----

    /**
     * The fixture layout: one event per array element, one field per line, the columns of
     * {@code record}/{@code old_record} (and a broadcast's {@code payload}) one per line, anything
     * deeper compact. Numbers keep their lexemes; strings are re-escaped canonically.
     */
    static String format(String json) throws IOException {
        StringBuilder out = new StringBuilder();
        try (JsonParser p = Json.factory().createParser(json)) {
            p.nextToken();
            formatValue(p, out, 0);
            if (p.nextToken() != null) {
                throw new IOException("trailing content after the JSON value");
            }
        }
        return out.append('\n').toString();
    }

    private static void formatValue(JsonParser p, StringBuilder out, int depth) throws IOException {
        JsonToken t = p.currentToken();
        boolean container = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY;
        if (!container) {
            scalar(p, out);
            return;
        }
        boolean object = t == JsonToken.START_OBJECT;
        boolean expand = depth <= 1 || (depth == 2 && object);
        JsonToken end = object ? JsonToken.END_OBJECT : JsonToken.END_ARRAY;
        out.append(object ? '{' : '[');
        boolean first = true;
        while (p.nextToken() != end) {
            if (!first) {
                out.append(',');
            }
            if (expand) {
                out.append('\n').append("  ".repeat(depth + 1));
            }
            first = false;
            if (object) {
                quote(p.currentName(), out);
                out.append(expand ? ": " : ":");
                p.nextToken();
            }
            formatValue(p, out, depth + 1);
        }
        if (expand && !first) {
            out.append('\n').append("  ".repeat(depth));
        }
        out.append(object ? '}' : ']');
    }

    private static void scalar(JsonParser p, StringBuilder out) throws IOException {
        switch (p.currentToken()) {
            case VALUE_STRING -> quote(p.getText(), out);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> out.append(p.getText());
            default -> throw new IOException("unexpected token " + p.currentToken());
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, out);
        out.append('"');
    }

    /** A line diff (longest common subsequence), changed lines with two lines of context. */
    static String lineDiff(String expected, String actual) {
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                lines.add("  " + a[i]);
                i++;
                j++;
            } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                lines.add("- " + a[i++]);
            } else {
                lines.add("+ " + b[j++]);
            }
        }
        StringBuilder out = new StringBuilder();
        int lastPrinted = -1;
        for (int k = 0; k < lines.size(); k++) {
            boolean near = false;
            for (int d = -2; d <= 2 && !near; d++) {
                int n = k + d;
                near = n >= 0 && n < lines.size() && !lines.get(n).startsWith("  ");
            }
            if (near) {
                if (lastPrinted >= 0 && k > lastPrinted + 1) {
                    out.append("  ...\n");
                }
                out.append(lines.get(k)).append('\n');
                lastPrinted = k;
            }
        }
        return out.toString();
    }
}
