package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.pgrealtime.protocol.filter.FilterError.INVALID_VALUE;
import static io.pgrealtime.protocol.filter.Fixtures.errors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** The size limits of a filter (docs/filters.md, Limits), each refused with INVALID_VALUE. */
class FilterLimitsTest {
    private static final TableSchema SCHEMA = Fixtures.schema();
    private static final String EMOJI = "\uD83D\uDE00";

    /** Builds filter JSON with Jackson, so that any string can be put in without escaping by hand. */
    private static ObjectNode filter(String column, String op, Object value) {
        ObjectNode f = Json.object();
        ObjectNode ops = f.putObject(column);
        ops.set(op, Json.mapper().valueToTree(value));
        return f;
    }

    private static Filter parse(ObjectNode json) {
        return FilterParser.parse(json);
    }

    @Test
    void documentedValues() {
        assertThat(FilterParser.MAX_LIKE_PATTERN_LENGTH).isEqualTo(256);
        assertThat(FilterParser.MAX_IN_VALUES).isEqualTo(100);
        assertThat(FilterParser.MAX_CONDITIONS).isEqualTo(64);
        assertThat(FilterParser.MAX_DEPTH).isEqualTo(8);
        assertThat(FilterParser.MAX_STRING_BYTES).isEqualTo(4096);
    }

    // ---------------------------------------------------------------- like pattern length

    @Test
    void likePatternOf256CharactersIsAcceptedAnd257Refused() {
        String at = "%" + "x".repeat(254) + "%";
        assertThat(parse(filter("title", "like", at))).isEqualTo(new Filter.Like("title", at, false));
        assertThat(parse(filter("title", "ilike", at)).compile(SCHEMA)).isNotNull();

        List<FilterError> over = errors(() -> parse(filter("title", "like", at + "x")));
        assertThat(over).extracting(FilterError::field, FilterError::code).containsExactly(tuple("title.like", INVALID_VALUE));
        assertThat(over.get(0).message()).isEqualTo("a like pattern may have at most 256 characters; this one has 257");
        assertThat(errors(() -> parse(filter("title", "ilike", at + "x"))))
                .extracting(FilterError::field).containsExactly("title.ilike");
    }

    @Test
    void patternLengthCountsCodePointsAndEscapes() {
        assertThat(LikePattern.problem(EMOJI.repeat(256))).isNull();
        assertThat(LikePattern.problem(EMOJI.repeat(257))).contains("at most 256");
        assertThat(LikePattern.problem("\\%".repeat(128))).isNull();
        assertThat(LikePattern.problem("\\%".repeat(128) + "x")).contains("this one has 257");
    }

    @Test
    void likePatternsBoundFromClaimsOrBuiltDirectlyAreHeldToTheLimit() {
        Filter bound = FilterParser.parse("{\"title\":{\"like\":\"{{claims.p}}\"}}").bind(Map.of("p", "y".repeat(257)));
        assertThat(errors(() -> bound.compile(SCHEMA))).extracting(FilterError::field, FilterError::code)
                .containsExactly(tuple("title.like", INVALID_VALUE));
        assertThat(FilterValidator.check(new Filter.Like("t", "z".repeat(300), true), null))
                .extracting(FilterError::field).containsExactly("t.ilike");
    }

    // ---------------------------------------------------------------- in list size

    @Test
    void inListOf100ValuesIsAcceptedAnd101Refused() {
        List<Integer> hundred = java.util.stream.IntStream.range(0, 100).boxed().toList();
        assertThat(parse(filter("qty", "in", hundred)).compile(SCHEMA)).isNotNull();
        List<Integer> more = java.util.stream.IntStream.range(0, 101).boxed().toList();
        assertThat(errors(() -> parse(filter("qty", "in", more))))
                .singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("qty.in"))
                .satisfies(e -> assertThat(e.code()).isEqualTo(INVALID_VALUE))
                .satisfies(e -> assertThat(e.message()).isEqualTo("in takes at most 100 values"));
    }

    // ---------------------------------------------------------------- condition count and depth

    @Test
    void conditionsAreCountedAcrossNesting() {
        assertThat(parse(spread(64)).columns()).hasSize(64);
        assertThat(errors(() -> parse(spread(65)))).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("$"))
                .satisfies(e -> assertThat(e.code()).isEqualTo(INVALID_VALUE))
                .satisfies(e -> assertThat(e.message()).isEqualTo("filter has more than 64 conditions"));
    }

    /** n conditions: half at the top level, half inside an {@code $or} of {@code $and}s. */
    private static ObjectNode spread(int n) {
        ObjectNode top = Json.object();
        var or = top.putArray("$or");
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                top.putObject("c" + i).put("gte", i);
            } else {
                or.addObject().putArray("$and").addObject().put("c" + i, i);
            }
        }
        return top;
    }

    @Test
    void nestingDeeperThanEightIsRefused() {
        ObjectNode inner = Json.object().put("x", 1);
        for (int depth = 1; depth < 9; depth++) {
            ObjectNode outer = Json.object();
            outer.putArray("$and").add(inner).addObject().put("y", depth);
            inner = outer;
        }
        ObjectNode nine = inner;
        assertThat(errors(() -> parse(nine))).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("$"))
                .satisfies(e -> assertThat(e.message()).isEqualTo("filter nests deeper than 8 levels"));
    }

    // ---------------------------------------------------------------- string operand size

    @Test
    void stringOperandsAreLimitedTo4KiB() {
        String max = "s".repeat(4096);
        String over = max + "s";
        assertThat(parse(Json.object().put("status", max)).compile(SCHEMA)).isNotNull();
        assertThat(parse(filter("status", "gt", max)).compile(SCHEMA)).isNotNull();

        List<FilterError> eq = errors(() -> parse(Json.object().put("status", over)));
        assertThat(eq).extracting(FilterError::field, FilterError::code).containsExactly(tuple("status", INVALID_VALUE));
        assertThat(eq.get(0).message()).isEqualTo("a string value may be at most 4096 bytes (UTF-8); this one has 4097");
        assertThat(errors(() -> parse(filter("status", "neq", over)))).extracting(FilterError::field).containsExactly("status.neq");
        assertThat(errors(() -> parse(filter("status", "in", List.of("a", over, "b", over)))))
                .extracting(FilterError::field).containsExactly("status.in[1]", "status.in[3]");
        assertThat(errors(() -> parse(filter("status", "between", List.of(over, "z")))))
                .extracting(FilterError::field).containsExactly("status.between[0]");
    }

    @Test
    void sizeIsCountedInUtf8Bytes() {
        assertThat(FilterParser.stringProblem("\u00E9".repeat(2048))).isNull();          // 2 bytes each
        assertThat(FilterParser.stringProblem("\u00E9".repeat(2049))).contains("4098");
        assertThat(FilterParser.stringProblem("\u20AC".repeat(1365))).isNull();          // 3 bytes each
        assertThat(FilterParser.stringProblem("\u20AC".repeat(1366))).contains("4098");
        assertThat(FilterParser.stringProblem(EMOJI.repeat(1024))).isNull();             // 4 bytes each
        assertThat(FilterParser.stringProblem(EMOJI.repeat(1025))).contains("4100");
    }

    @Test
    void oversizePlaceholdersAndBoundValuesAreRefused() {
        String hugeName = "{{claims." + "n".repeat(5000) + "}}";
        assertThat(errors(() -> parse(filter("title", "like", hugeName)))).extracting(FilterError::field).containsExactly("title.like");
        assertThat(errors(() -> parse(filter("status", "in", hugeName)))).extracting(FilterError::field).containsExactly("status.in");
        assertThat(errors(() -> parse(Json.object().put("status", hugeName)))).extracting(FilterError::field).containsExactly("status");

        Filter bound = FilterParser.parse("{\"status\":\"{{claims.s}}\",\"owner_id\":{\"in\":\"{{claims.o}}\"}}")
                .bind(Map.of("s", "v".repeat(5000), "o", List.of("ok", "w".repeat(5000))));
        assertThat(errors(() -> bound.compile(SCHEMA))).extracting(FilterError::field, FilterError::code)
                .containsExactly(tuple("status", INVALID_VALUE), tuple("owner_id.in[1]", INVALID_VALUE));
        // Without a table too.
        assertThat(errors(bound::compile)).hasSize(2);
    }
}
