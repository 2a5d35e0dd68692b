package io.pgrealtime.relay.pgoutput;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static io.pgrealtime.relay.pgoutput.BuiltinTypes.*;
import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL array literals to JSON arrays, element by element type. */
class PgArrayConversionTest {

    private static final int MOOD = 60_001;
    private static final int MOOD_ARRAY = 60_002;
    private static final int EMAIL = 60_003;
    private static final int EMAIL_ARRAY = 60_004;

    private final PgValueConverter converter = new PgValueConverter(TypeResolver.builtins().orElse(oid -> switch (oid) {
        case MOOD -> PgType.enumType(MOOD, "mood");
        case MOOD_ARRAY -> PgType.array(MOOD_ARRAY, "_mood", MOOD);
        case EMAIL -> PgType.domain(EMAIL, "email", 'S', TEXT);
        case EMAIL_ARRAY -> PgType.array(EMAIL_ARRAY, "_email", EMAIL);
        default -> null;
    }));

    private String json(int oid, String text) {
        return converter.convert(oid, text).toString();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1007|{1,2,3}|[1,2,3]",
            "1007|{}|[]",
            "1007|{{1,2},{3,4}}|[[1,2],[3,4]]",
            "1007|{{{1},{2}},{{3},{4}}}|[[[1],[2]],[[3],[4]]]",
            "1007|{1,NULL,3}|[1,null,3]",
            "1007|{null,Null}|[null,null]",
            "1007|[0:1]={1,2}|[1,2]",
            "1007|[-2:-1][1:2]={{1,2},{3,4}}|[[1,2],[3,4]]",
            "1007|  { 1 , 2 }  |[1,2]",
            "1016|{9223372036854775807}|[9223372036854775807]",
            "1005|{-1}|[-1]",
            "1000|{t,f,NULL}|[true,false,null]",
            "1022|{1.5,NaN,Infinity,-Infinity}|[1.5,\"NaN\",\"Infinity\",\"-Infinity\"]",
            "1231|{1.50,NaN}|[1.50,\"NaN\"]",
            "1015|{a,b}|[\"a\",\"b\"]",
            "1014|{\"a  \",b}|[\"a  \",\"b\"]",
            "2951|{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}|[\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"]",
            "1182|{2024-01-01,infinity}|[\"2024-01-01\",\"infinity\"]",
            "1115|{\"2024-01-01 10:00:00.5\"}|[\"2024-01-01T10:00:00.5\"]",
            "1185|{\"2024-01-01 10:00:00+01\",NULL}|[\"2024-01-01T09:00:00Z\",null]",
            "1001|{\"\\\\x0102\"}|[\"\\\\x0102\"]",
    })
    void arrays(int oid, String text, String expected) {
        assertThat(json(oid, text)).isEqualTo(expected);
    }

    @Test
    void quotedElementsWithDelimitersQuotesBackslashesAndTheWordNull() {
        // What array_out writes for ARRAY['a,b', 'c"d', NULL, 'NULL', '', ' x ', 'back\slash', '{}']
        String text = "{\"a,b\",\"c\\\"d\",NULL,\"NULL\",\"\",\" x \",\"back\\\\slash\",\"{}\"}";
        JsonNode node = converter.convert(TEXT_ARRAY, text);

        assertThat(node.size()).isEqualTo(8);
        assertThat(node.get(0).textValue()).isEqualTo("a,b");
        assertThat(node.get(1).textValue()).isEqualTo("c\"d");
        assertThat(node.get(2).isNull()).isTrue();
        assertThat(node.get(3).textValue()).isEqualTo("NULL");
        assertThat(node.get(4).textValue()).isEmpty();
        assertThat(node.get(5).textValue()).isEqualTo(" x ");
        assertThat(node.get(6).textValue()).isEqualTo("back\\slash");
        assertThat(node.get(7).textValue()).isEqualTo("{}");
    }

    @Test
    void escapedUnquotedElementsAreNotNullAndKeepEscapedWhitespace() {
        JsonNode node = converter.convert(TEXT_ARRAY, "{\\NULL,a\\,b,x\\ ,  y  }");
        assertThat(node.get(0).textValue()).isEqualTo("NULL");
        assertThat(node.get(1).textValue()).isEqualTo("a,b");
        assertThat(node.get(2).textValue()).isEqualTo("x ");
        assertThat(node.get(3).textValue()).isEqualTo("y");
    }

    @Test
    void unicodeElements() {
        assertThat(converter.convert(TEXT_ARRAY, "{żółw,\"🐢 x\"}").toString())
                .isEqualTo("[\"żółw\",\"🐢 x\"]");
    }

    @Test
    void boxArraysUseTheSemicolonDelimiter() {
        JsonNode node = converter.convert(BOX_ARRAY, "{(1,1),(0,0);(3,3),(2,2)}");
        assertThat(node.toString()).isEqualTo("[\"(1,1),(0,0)\",\"(3,3),(2,2)\"]");
    }

    @Test
    void jsonbArrayElementsAreEmbedded() {
        String text = "{\"{\\\"a\\\": 1.50}\",\"[1, 2]\",NULL,\"\\\"s\\\"\"}";
        JsonNode node = converter.convert(JSONB_ARRAY, text);
        assertThat(node.toString()).isEqualTo("[{\"a\":1.50},[1,2],null,\"s\"]");
        assertThat(node.get(0).get("a").decimalValue()).isEqualTo(new BigDecimal("1.50"));
    }

    @Test
    void jsonArrayElementsAreEmbedded() {
        assertThat(json(JSON_ARRAY, "{\"{\\\"k\\\":true}\"}")).isEqualTo("[{\"k\":true}]");
    }

    @Test
    void multiDimensionalElementsAreConvertedToo() {
        assertThat(json(NUMERIC_ARRAY, "{{1.0,2.25},{NULL,-3}}")).isEqualTo("[[1.0,2.25],[null,-3]]");
        assertThat(json(BOOL_ARRAY, "{{t},{f}}")).isEqualTo("[[true],[false]]");
    }

    @Test
    void arraysOfEnumsAndDomainsUseTheResolver() {
        assertThat(json(MOOD_ARRAY, "{happy,sad}")).isEqualTo("[\"happy\",\"sad\"]");
        assertThat(json(EMAIL_ARRAY, "{a@b.c,NULL}")).isEqualTo("[\"a@b.c\",null]");
    }

    @Test
    void unknownElementTypesAreText() {
        PgValueConverter c = new PgValueConverter(TypeResolver.builtins().orElse(
                oid -> oid == 70_001 ? PgType.array(70_001, "_thing", 70_000) : null));
        assertThat(c.convert(70_001, "{\"(1,x)\",\"(2,y)\"}").toString()).isEqualTo("[\"(1,x)\",\"(2,y)\"]");
    }

    @Test
    void badElementsFallBackElementByElement() {
        assertThat(json(INT4_ARRAY, "{1,x,3}")).isEqualTo("[1,\"x\",3]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1,2", "{1,2", "{1,2}}", "{1,,2}", "{,}", "{\"a}", "{a\"b\"}", "[1:2]{1,2}",
            "[1]={1}", "[a:b]={1}", "{1}x", "{{1}", "{1\\", "{1{2}}"})
    void malformedArraysFallBackToText(String text) {
        JsonNode node = converter.convert(INT4_ARRAY, text);
        assertThat(node.isTextual()).isTrue();
        assertThat(node.textValue()).isEqualTo(text);
    }

    @Test
    void absurdNestingIsRejectedNotOverflowed() {
        String deep = "{".repeat(100_000) + "}".repeat(100_000);
        assertThat(converter.convert(INT4_ARRAY, deep).isTextual()).isTrue();
    }

    @Test
    void integerVectorsAreNotArrayLiteralsAndStayText() {
        // int2vector has category 'A' but prints "1 2 3": whatever the catalog says, no exception.
        PgValueConverter c = new PgValueConverter(TypeResolver.builtins().orElse(
                oid -> oid == 22 ? new PgType(22, "int2vector", 'A', INT2, 0, ',') : null));
        assertThat(c.convert(22, "1 2 3").textValue()).isEqualTo("1 2 3");
    }
}
