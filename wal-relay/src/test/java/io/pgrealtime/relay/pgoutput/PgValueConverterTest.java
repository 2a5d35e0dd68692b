package io.pgrealtime.relay.pgoutput;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static io.pgrealtime.relay.pgoutput.BuiltinTypes.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Scalar conversions; arrays are in {@link PgArrayConversionTest}. */
class PgValueConverterTest {

    private final PgValueConverter converter = PgValueConverter.builtinsOnly();

    private JsonNode convert(int oid, String text) {
        return converter.convert(oid, text);
    }

    /** The JSON text a value serializes to. */
    private String json(int oid, String text) {
        return convert(oid, text).toString();
    }

    @Test
    void sqlNullIsJsonNullForEveryType() {
        for (int oid : new int[] {INT4, TEXT, JSONB, INT4_ARRAY, TIMESTAMPTZ, 999_999}) {
            assertThat(convert(oid, null).isNull()).as("oid %d", oid).isTrue();
        }
    }

    @Nested
    class Numbers {

        @ParameterizedTest
        @CsvSource({"21, 32767", "21, -32768", "23, 2147483647", "23, -2147483648", "23, 0"})
        void int2AndInt4AreIntegers(int oid, String text) {
            JsonNode node = convert(oid, text);
            assertThat(node.isInt()).isTrue();
            assertThat(node.toString()).isEqualTo(text);
        }

        @ParameterizedTest
        @ValueSource(strings = {"9223372036854775807", "-9223372036854775808", "1"})
        void int8IsALong(String text) {
            JsonNode node = convert(INT8, text);
            assertThat(node.isIntegralNumber()).isTrue();
            assertThat(node.toString()).isEqualTo(text);
        }

        @Test
        void oidIsUnsigned32BitSoItNeedsALong() {
            assertThat(json(OID, "4294967295")).isEqualTo("4294967295");
        }

        @Test
        void floats() {
            assertThat(convert(FLOAT8, "1.5").isDouble()).isTrue();
            assertThat(json(FLOAT8, "1.5")).isEqualTo("1.5");
            assertThat(json(FLOAT8, "-0.000123")).isEqualTo("-1.23E-4");
            assertThat(convert(FLOAT8, "1e+300").doubleValue()).isEqualTo(1e300);
            assertThat(convert(FLOAT8, "0.1").doubleValue()).isEqualTo(0.1);
            // float4 keeps its own shortest digits rather than the widened double's.
            assertThat(json(FLOAT4, "0.1")).isEqualTo("0.1");
            assertThat(convert(FLOAT4, "3.4028235e+38").floatValue()).isEqualTo(Float.MAX_VALUE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"NaN", "Infinity", "-Infinity"})
        void nonFiniteFloatsAndNumericsAreStrings(String text) {
            for (int oid : new int[] {FLOAT4, FLOAT8, NUMERIC}) {
                JsonNode node = convert(oid, text);
                assertThat(node.isTextual()).as("oid %d", oid).isTrue();
                assertThat(node.textValue()).isEqualTo(text);
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"1.50", "0", "-0.00", "123456789012345678901234567890.123456789012345678901234567890",
                "0.10", "100", "-42"})
        void numericKeepsExactDigitsAndScale(String text) {
            JsonNode node = convert(NUMERIC, text);
            assertThat(node.isBigDecimal()).isTrue();
            assertThat(node.decimalValue()).isEqualTo(new BigDecimal(text));
            assertThat(node.decimalValue().scale()).isEqualTo(new BigDecimal(text).scale());
        }

        @Test
        void numericWrittenPlainHasPostgresDigits() throws Exception {
            ObjectMapper mapper = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
            assertThat(mapper.writeValueAsString(convert(NUMERIC, "0.00000010"))).isEqualTo("0.00000010");
            assertThat(mapper.writeValueAsString(convert(NUMERIC, "1.50"))).isEqualTo("1.50");
            assertThat(mapper.writeValueAsString(convert(NUMERIC, "1000"))).isEqualTo("1000");
        }

        @ParameterizedTest
        @CsvSource({"23, 12abc", "23, 99999999999", "20, 1.5", "21, ''", "700, 1f", "701, 0x1p3",
                "701, ' 1'", "1700, '1,5'", "701, 1e999", "700, 1e39"})
        void unparsableNumbersFallBackToText(int oid, String text) {
            JsonNode node = convert(oid, text);
            assertThat(node.isTextual()).isTrue();
            assertThat(node.textValue()).isEqualTo(text);
        }
    }

    @Nested
    class Booleans {

        @Test
        void tAndF() {
            assertThat(convert(BOOL, "t").booleanValue()).isTrue();
            assertThat(convert(BOOL, "f").isBoolean()).isTrue();
            assertThat(convert(BOOL, "f").booleanValue()).isFalse();
        }

        @Test
        void anythingElseIsText() {
            assertThat(json(BOOL, "yes")).isEqualTo("\"yes\"");
        }
    }

    @Nested
    class Strings {

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "25|plain text", "1043|varchar", "1042|padded   ", "18|c", "19|pg_catalog",
                "2950|a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "1082|2024-01-01", "1082|infinity",
                "1083|10:00:00.123", "1266|10:00:00+05:30",
                "1186|1 year 2 mons 3 days 04:05:06.789", "17|\\x0102ff", "25|''"})
        void textLikeTypesAreTheirTextForm(int oid, String text) {
            JsonNode node = convert(oid, text);
            assertThat(node.isTextual()).isTrue();
            assertThat(node.textValue()).isEqualTo(text);
        }

        @Test
        void unicodeAndQuotesAreEscapedOnlyBySerialization() {
            assertThat(json(TEXT, "say \"hi\" 🐢")).isEqualTo("\"say \\\"hi\\\" 🐢\"");
        }

        @Test
        void otherBuiltinsAndUnknownOidsAreText() {
            assertThat(json(869, "192.168.0.1/24")).isEqualTo("\"192.168.0.1/24\"");
            assertThat(json(BOX, "(1,1),(0,0)")).isEqualTo("\"(1,1),(0,0)\"");
            assertThat(json(3904, "[1,5)")).isEqualTo("\"[1,5)\"");
            assertThat(json(790, "$1,000.00")).isEqualTo("\"$1,000.00\"");
            assertThat(json(123_456, "(1,\"x\")")).isEqualTo("\"(1,\\\"x\\\")\"");
        }
    }

    @Nested
    class Json {

        @Test
        void jsonAndJsonbAreEmbedded() {
            assertThat(json(JSONB, "{\"a\": 1, \"b\": [true, null, \"x\"]}"))
                    .isEqualTo("{\"a\":1,\"b\":[true,null,\"x\"]}");
            assertThat(json(JSON, "[1, {\"k\": \"v\"}]")).isEqualTo("[1,{\"k\":\"v\"}]");
            assertThat(convert(JSONB, "\"just a string\"").textValue()).isEqualTo("just a string");
            assertThat(convert(JSONB, "42").intValue()).isEqualTo(42);
            assertThat(convert(JSONB, "null").isNull()).isTrue();
        }

        @Test
        void jsonNumbersKeepTheirDigits() {
            JsonNode node = convert(JSONB, "{\"price\": 1.50, \"tiny\": 0.1, \"big\": 123456789012345678901234567890}");
            assertThat(node.get("price").decimalValue()).isEqualTo(new BigDecimal("1.50"));
            assertThat(node.get("price").decimalValue().scale()).isEqualTo(2);
            assertThat(node.get("tiny").decimalValue()).isEqualTo(new BigDecimal("0.1"));
            assertThat(node.get("big").bigIntegerValue().toString()).isEqualTo("123456789012345678901234567890");
        }

        @Test
        void veryLongNumbersAndDeepNestingStillParse() {
            String longNumber = "1" + "0".repeat(5000);
            assertThat(convert(JSONB, "[" + longNumber + "]").get(0).isNumber()).isTrue();
            String deep = "[".repeat(1500) + "]".repeat(1500);
            assertThat(convert(JSONB, deep).isArray()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"{not json", "1 2", "", "{\"a\":1}}"})
        void invalidJsonFallsBackToText(String text) {
            JsonNode node = convert(JSON, text);
            assertThat(node.isTextual()).isTrue();
            assertThat(node.textValue()).isEqualTo(text);
        }
    }

    @Nested
    class Timestamps {

        @ParameterizedTest
        @CsvSource({
                "2024-01-01 10:00:00, 2024-01-01T10:00:00",
                "2024-01-01 10:00:00.123456, 2024-01-01T10:00:00.123456",
                "2024-01-01 10:00:00.1, 2024-01-01T10:00:00.1",
                "1999-12-31 23:59:59.99, 1999-12-31T23:59:59.99",
                "12024-01-01 10:00:00, +12024-01-01T10:00:00",
                "infinity, infinity",
                "-infinity, -infinity",
                "0044-03-15 10:00:00 BC, -0043-03-15T10:00:00",
                "0001-12-31 23:59:59.5 BC, 0000-12-31T23:59:59.5",
                "Mon Jan 01 10:00:00 2024, Mon Jan 01 10:00:00 2024"})
        void timestampBecomesIsoLocal(String text, String expected) {
            assertThat(convert(TIMESTAMP, text).textValue()).isEqualTo(expected);
        }

        @ParameterizedTest
        @CsvSource({
                "2024-01-01, 2024-01-01",
                "12024-01-01, +12024-01-01",
                "0044-03-15 BC, -0043-03-15",
                "0001-01-01 BC, 0000-01-01",
                "infinity, infinity",
                "-infinity, -infinity",
                "01/02/2024, 01/02/2024"})
        void dateBecomesIsoDate(String text, String expected) {
            assertThat(convert(DATE, text).textValue()).isEqualTo(expected);
        }

        @ParameterizedTest
        @CsvSource({
                "2024-01-01 10:00:00+00, 2024-01-01T10:00:00Z",
                "2024-01-01 10:00:00.123456+01, 2024-01-01T09:00:00.123456Z",
                "2024-01-01 10:00:00.5+05:30, 2024-01-01T04:30:00.500Z",
                "2024-01-01 01:00:00-03:30, 2024-01-01T04:30:00Z",
                "1890-01-01 00:00:00-03:30:15, 1890-01-01T03:30:15Z",
                "2024-03-01 00:30:00+02, 2024-02-29T22:30:00Z",
                "1969-12-31 23:59:59.999999-00, 1969-12-31T23:59:59.999999Z",
                "12024-01-01 10:00:00+00, +12024-01-01T10:00:00Z",
                "infinity, infinity",
                "-infinity, -infinity",
                "0044-03-15 10:00:00+00:53:28 BC, -0043-03-15T09:06:32Z",
                "0001-01-01 00:00:00+00 BC, 0000-01-01T00:00:00Z",
                "2024-01-01 10:00:00, 2024-01-01 10:00:00",
                "2024-01-01 10:00:00+1, 2024-01-01 10:00:00+1",
                "2024-01-01 10:00:00+25, 2024-01-01 10:00:00+25",
                "2024-13-01 10:00:00+00, 2024-13-01 10:00:00+00",
                "2024-01-01 10:00:00.+00, 2024-01-01 10:00:00.+00"})
        void timestamptzBecomesUtcInstant(String text, String expected) {
            assertThat(convert(TIMESTAMPTZ, text).textValue()).isEqualTo(expected);
        }
    }

    @Nested
    class Domains {

        private final PgValueConverter withDomains = new PgValueConverter(TypeResolver.builtins().orElse(
                oid -> switch (oid) {
                    case 50_001 -> PgType.domain(50_001, "positive_int", 'N', INT4);
                    case 50_002 -> PgType.domain(50_002, "email", 'S', TEXT);
                    case 50_003 -> PgType.domain(50_003, "small_positive", 'N', 50_001);
                    case 50_004 -> PgType.domain(50_004, "tags", 'A', TEXT_ARRAY);
                    case 50_005 -> PgType.enumType(50_005, "mood");
                    case 50_006 -> new PgType(50_006, "loop", 'N', 0, 50_006, ',');
                    default -> null;
                }));

        @Test
        void domainsConvertAsTheirBaseType() {
            assertThat(withDomains.convert(50_001, "5").isInt()).isTrue();
            assertThat(withDomains.convert(50_002, "a@b.c").textValue()).isEqualTo("a@b.c");
            assertThat(withDomains.convert(50_003, "7").intValue()).isEqualTo(7);
            assertThat(withDomains.convert(50_004, "{a,b}").toString()).isEqualTo("[\"a\",\"b\"]");
        }

        @Test
        void enumsAreStrings() {
            assertThat(withDomains.convert(50_005, "happy").textValue()).isEqualTo("happy");
        }

        @Test
        void aResolverCycleEndsInText() {
            assertThat(withDomains.convert(50_006, "1").textValue()).isEqualTo("1");
        }

        @Test
        void builtinsAreConsultedBeforeTheFallback() {
            int[] fallbackCalls = {0};
            PgValueConverter c = new PgValueConverter(TypeResolver.builtins().orElse(oid -> {
                fallbackCalls[0]++;
                return null;
            }));
            c.convert(INT4, "1");
            c.convert(INT4_ARRAY, "{1}");
            c.convert(BOX_ARRAY, "{(1,1),(0,0)}");
            assertThat(fallbackCalls[0]).isZero();
            c.convert(77_777, "x");
            assertThat(fallbackCalls[0]).isEqualTo(1);
        }
    }
}
