package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.Json;
import org.assertj.core.api.ThrowableAssert;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Test helpers: JSON from single-quoted text, and error assertions. */
final class Fixtures {
    private Fixtures() {
    }

    /** Parses JSON written with single quotes for readability. */
    static JsonNode json(String singleQuoted) {
        try {
            return Json.mapper().readTree(singleQuoted.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ObjectNode row(String singleQuoted) {
        return (ObjectNode) json(singleQuoted);
    }

    static Filter parse(String singleQuoted) {
        return FilterParser.parse(json(singleQuoted));
    }

    /** The errors of a call that must throw a FilterException. */
    static List<FilterError> errors(ThrowableAssert.ThrowingCallable call) {
        FilterException[] caught = new FilterException[1];
        assertThatThrownBy(call).isInstanceOfSatisfying(FilterException.class, e -> caught[0] = e);
        return caught[0].details();
    }

    /** The schema most tests use: one column per type. */
    static TableSchema schema() {
        return TableSchema.builder()
                .column("id", "int8")
                .column("qty", "int4")
                .column("price", "numeric(10,3)")
                .column("score", "float8")
                .column("active", "bool")
                .column("title", "text")
                .column("status", "varchar")
                .column("uid", "uuid")
                .column("created_at", "timestamptz")
                .column("local_at", "timestamp")
                .column("day", "date")
                .column("at_time", "time")
                .column("at_timetz", "timetz")
                .column("meta", "jsonb")
                .column("tags", "_text")
                .column("mood", "mood_enum")
                .column("owner_id", "text")
                .column("tenant_id", "int4")
                .column("salary", "numeric")
                .primaryKey("id")
                .unfilterable("salary")
                .build();
    }
}
