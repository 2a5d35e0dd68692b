package io.pgrealtime.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeEventJsonTest {
    private static final Instant COMMIT = Instant.parse("2026-01-09T10:30:00.123456Z");

    private static ObjectNode row(String json) {
        try {
            return (ObjectNode) Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ChangeEvent event(Operation op, ObjectNode record, ObjectNode old) {
        return new ChangeEvent("100-0", 100, 7, COMMIT, "public", "users", op, List.of("id"), record, old, List.of());
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void everyOperationRoundTrips(Operation op) {
        ObjectNode record = op == Operation.INSERT || op == Operation.UPDATE ? row("{\"id\":1,\"name\":\"Ann\"}") : null;
        ObjectNode old = op == Operation.UPDATE || op == Operation.DELETE ? row("{\"id\":1}") : null;
        ChangeEvent e = event(op, record, old);

        assertThat(ChangeEventJson.decode(ChangeEventJson.encode(e))).isEqualTo(e);
        assertThat(ChangeEventJson.decode(ChangeEventJson.encodeToString(e))).isEqualTo(e);
    }

    @Test
    void writesTheDocumentedShape() {
        ChangeEvent e = new ChangeEvent("100-2", 100, 7, Instant.parse("2026-01-09T10:30:00Z"), "public", "users",
                Operation.UPDATE, List.of("id"), row("{\"id\":1,\"bio\":\"x\"}"), row("{\"id\":1}"), List.of("avatar"));

        assertThat(ChangeEventJson.encodeToString(e)).isEqualTo("{\"id\":\"100-2\",\"lsn\":\"100\",\"xid\":7,"
                + "\"commit_timestamp\":\"2026-01-09T10:30:00.000Z\",\"commit_us\":1767954600000000,"
                + "\"schema\":\"public\",\"table\":\"users\",\"type\":\"UPDATE\",\"pk\":[\"id\"],"
                + "\"record\":{\"id\":1,\"bio\":\"x\"},\"old_record\":{\"id\":1},\"unchanged_toast\":[\"avatar\"]}");
    }

    @Test
    void bytesAreUtf8() {
        ChangeEvent e = event(Operation.INSERT, row("{\"id\":1,\"name\":\"Zoë 😀\"}"), null);
        String fromBytes = new String(ChangeEventJson.encode(e), StandardCharsets.UTF_8);
        assertThat(fromBytes).isEqualTo(ChangeEventJson.encodeToString(e)).contains("Zoë 😀");
    }

    @Test
    void omitsNullIdRecordsAndEmptyToast() {
        ChangeEvent e = new ChangeEvent(null, 5, 1, COMMIT, "s", "t", Operation.DELETE, List.of("id"), null,
                row("{\"id\":1}"), List.of());
        JsonNode tree = tree(ChangeEventJson.encodeToString(e));

        assertThat(tree.has("id")).isFalse();
        assertThat(tree.has("record")).isFalse();
        assertThat(tree.has("unchanged_toast")).isFalse();
        assertThat(tree.get("old_record")).isEqualTo(row("{\"id\":1}"));
    }

    @Test
    void truncateHasNoRecordsAndMayHaveNoKey() {
        ChangeEvent e = new ChangeEvent(null, 9, 3, COMMIT, "public", "logs", Operation.TRUNCATE, List.of(), null,
                null, List.of());
        String json = ChangeEventJson.encodeToString(e);

        assertThat(json).doesNotContain("record").contains("\"type\":\"TRUNCATE\"").contains("\"pk\":[]");
        assertThat(ChangeEventJson.decode(json)).isEqualTo(e);
    }

    @Test
    void numericKeepsExactDigits() {
        ObjectNode record = row("{\"id\":1,\"tiny\":0.0000001,\"price\":1.500,\"zero\":0.00,"
                + "\"big\":123456789012345678901234567890.000000000000000000001,\"neg\":-1E-10,\"int8\":9223372036854775807}");
        ChangeEvent e = event(Operation.INSERT, record, null);
        String json = ChangeEventJson.encodeToString(e);

        assertThat(json).contains("\"tiny\":0.0000001", "\"price\":1.500", "\"zero\":0.00",
                "\"big\":123456789012345678901234567890.000000000000000000001", "\"neg\":-0.0000000001",
                "\"int8\":9223372036854775807");
        ChangeEvent back = ChangeEventJson.decode(json);
        assertThat(back.record().get("price").decimalValue()).isEqualTo(new BigDecimal("1.500"));
        assertThat(back.record().get("tiny").decimalValue()).isEqualTo(new BigDecimal("0.0000001"));
        assertThat(ChangeEventJson.encodeToString(back)).isEqualTo(json);
    }

    @Test
    void specialFloatsTravelAsStrings() {
        ObjectNode record = row("{\"a\":\"NaN\",\"b\":\"Infinity\",\"c\":\"-Infinity\"}");
        ChangeEvent back = ChangeEventJson.decode(ChangeEventJson.encode(event(Operation.INSERT, record, null)));
        assertThat(back.record().get("a").isTextual()).isTrue();
        assertThat(back.record()).isEqualTo(record);
    }

    @Test
    void doubleNaNInATreeIsWrittenAsAString() {
        ObjectNode record = Json.object();
        record.put("f", Double.NaN);
        assertThat(ChangeEventJson.encodeToString(event(Operation.INSERT, record, null))).contains("\"f\":\"NaN\"");
    }

    @Test
    void nestedJsonAndNullsRoundTrip() {
        ObjectNode record = row("{\"id\":1,\"meta\":{\"tags\":[\"a\",{\"b\":[1,2.50,null]}],\"deep\":{\"x\":null}},"
                + "\"arr\":[1,2,3],\"nothing\":null,\"flag\":false,\"text\":\"line\\nbreak \\\"quoted\\\"\"}");
        ChangeEvent e = event(Operation.INSERT, record, null);
        ChangeEvent back = ChangeEventJson.decode(ChangeEventJson.encode(e));

        assertThat(back.record()).isEqualTo(record);
        assertThat(back.record().get("nothing").isNull()).isTrue();
        assertThat(back.record().get("meta").get("tags").get(1).get("b").get(1).toString()).isEqualTo("2.50");
    }

    @Test
    void lsnIsUnsignedDecimalString() {
        ChangeEvent e = new ChangeEvent(null, -1L, 0, null, "s", "t", Operation.INSERT, null, row("{}"), null, null);
        String json = ChangeEventJson.encodeToString(e);
        assertThat(json).contains("\"lsn\":\"18446744073709551615\"");
        assertThat(ChangeEventJson.decode(json).lsn()).isEqualTo(-1L);
    }

    @Test
    void commitMicrosecondsArePreservedAndTimestampHasMillis() {
        ChangeEvent e = event(Operation.INSERT, row("{}"), null);
        JsonNode tree = tree(ChangeEventJson.encodeToString(e));

        assertThat(tree.get("commit_timestamp").textValue()).isEqualTo("2026-01-09T10:30:00.123Z");
        assertThat(tree.get("commit_us").longValue()).isEqualTo(1767954600123456L);
        assertThat(ChangeEventJson.decode(tree.toString()).commitTime()).isEqualTo(COMMIT);
    }

    @Test
    void decodeFallsBackToTimestampWithoutMicros() {
        String json = "{\"lsn\":\"1\",\"xid\":2,\"commit_timestamp\":\"2026-01-09T10:30:00.123Z\","
                + "\"schema\":\"public\",\"table\":\"t\",\"type\":\"INSERT\",\"pk\":[],\"record\":{}}";
        assertThat(ChangeEventJson.decode(json).commitTime()).isEqualTo(Instant.parse("2026-01-09T10:30:00.123Z"));
    }

    @Test
    void decodeIsLenientAboutOptionalFields() {
        ChangeEvent e = ChangeEventJson.decode("{\"schema\":\"public\",\"table\":\"t\",\"type\":\"delete\",\"extra\":1}");
        assertThat(e.operation()).isEqualTo(Operation.DELETE);
        assertThat(e.lsn()).isZero();
        assertThat(e.commitTime()).isNull();
        assertThat(e.primaryKey()).isEmpty();
        assertThat(e.record()).isNull();
    }

    @Test
    void decodeTakesLsnAsNumberToo() {
        assertThat(ChangeEventJson.decode("{\"lsn\":42,\"schema\":\"s\",\"table\":\"t\",\"type\":\"INSERT\"}").lsn())
                .isEqualTo(42);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json", "[]", "{\"table\":\"t\",\"type\":\"INSERT\"}", "{\"schema\":\"s\",\"type\":\"INSERT\"}",
            "{\"schema\":\"s\",\"table\":\"t\"}", "{\"schema\":\"s\",\"table\":\"t\",\"type\":\"UPSERT\"}",
            "{\"schema\":1,\"table\":\"t\",\"type\":\"INSERT\"}",
            "{\"schema\":\"s\",\"table\":\"t\",\"type\":\"INSERT\",\"record\":[1]}",
            "{\"schema\":\"s\",\"table\":\"t\",\"type\":\"INSERT\",\"pk\":\"id\"}",
            "{\"schema\":\"s\",\"table\":\"t\",\"type\":\"INSERT\",\"pk\":[1]}",
            "{\"schema\":\"s\",\"table\":\"t\",\"type\":\"INSERT\",\"lsn\":\"-1\"}",
            "{\"schema\":\"s\",\"table\":\"t\",\"type\":\"INSERT\",\"lsn\":\"x\"}",
            "{\"schema\":\"s\",\"table\":\"t\",\"type\":\"INSERT\",\"lsn\":-5}",
            "{\"schema\":\"s\",\"table\":\"t\",\"type\":\"INSERT\",\"xid\":\"1\"}",
            "{\"schema\":\"s\",\"table\":\"t\",\"type\":\"INSERT\",\"commit_us\":1.5}",
            "{\"schema\":\"s\",\"table\":\"t\",\"type\":\"INSERT\",\"commit_timestamp\":\"yesterday\"}"})
    void malformedEventsAreRejected(String json) {
        assertThatThrownBy(() -> ChangeEventJson.decode(json)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writeFieldsLetsTheCallerAddFields() throws Exception {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            g.writeStartObject();
            ChangeEventJson.writeFields(event(Operation.DELETE, null, row("{\"id\":1}")), g);
            g.writeStringField("view", "leave");
            g.writeEndObject();
        }
        JsonNode tree = tree(out.toString());
        assertThat(tree.get("view").textValue()).isEqualTo("leave");
        assertThat(tree.get("type").textValue()).isEqualTo("DELETE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-09T10:30:00Z", "2026-01-09T10:30:00.999999999Z", "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999999Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z"})
    void formatTimestampTruncatesToMillis(String instant) {
        Instant t = Instant.parse(instant);
        String formatted = ChangeEventJson.formatTimestamp(t);
        assertThat(formatted).hasSize(24).endsWith("Z");
        assertThat(Instant.parse(formatted)).isEqualTo(t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    @Test
    void formatTimestampHandlesYearsBeyondFourDigits() {
        assertThat(ChangeEventJson.formatTimestamp(Instant.parse("+12345-01-02T03:04:05.678Z")))
                .isEqualTo("+12345-01-02T03:04:05.678Z");
        assertThat(ChangeEventJson.formatTimestamp(Instant.parse("-0044-03-15T12:00:00Z")))
                .isEqualTo("-0044-03-15T12:00:00.000Z");
    }

    @Test
    void epochMicrosRoundTripBeforeAndAfterEpoch() {
        for (String s : List.of("1969-12-31T23:59:59.999999Z", "2026-01-09T10:30:00.000001Z", "1900-06-01T00:00:00.5Z")) {
            Instant t = Instant.parse(s);
            assertThat(ChangeEventJson.fromEpochMicros(ChangeEventJson.toEpochMicros(t))).isEqualTo(t);
        }
        assertThat(ChangeEventJson.toEpochMicros(Instant.parse("1969-12-31T23:59:59.999999Z"))).isEqualTo(-1);
    }

    private static JsonNode tree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
