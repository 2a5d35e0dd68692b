package io.pgrealtime.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0000001", "1.500", "1.0", "0.00", "-12345678901234567890.123456789012345678901",
            "100", "1E+3", "123456789012345678901234567890", "-0.0"})
    void numbersRoundTripWithTheirDigits(String number) throws Exception {
        String json = "{\"n\":" + number + "}";
        JsonNode tree = Json.mapper().readTree(json);
        String written = Json.mapper().writeValueAsString(tree);
        // BigDecimal has no negative zero (nor has PostgreSQL numeric).
        String expected = number.equals("1E+3") ? "1000" : number.equals("-0.0") ? "0.0" : number;
        assertThat(written).isEqualTo("{\"n\":" + expected + "}");
    }

    @Test
    void floatsAreReadAsBigDecimalAndBigIntsAsBigInteger() throws Exception {
        JsonNode tree = Json.mapper().readTree("{\"f\":1.500,\"i\":42,\"big\":123456789012345678901234567890}");
        assertThat(tree.get("f").isBigDecimal()).isTrue();
        assertThat(tree.get("f").decimalValue()).isEqualTo(new BigDecimal("1.500"));
        assertThat(tree.get("i").isInt()).isTrue();
        assertThat(tree.get("big").isBigInteger()).isTrue();
        assertThat(tree.get("big").bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
    }

    @Test
    void bigDecimalIsWrittenPlain() throws Exception {
        ObjectNode node = Json.object();
        node.put("tiny", new BigDecimal("1E-7"));
        node.put("huge", new BigDecimal("1.5E+20"));
        assertThat(Json.mapper().writeValueAsString(node)).isEqualTo("{\"tiny\":0.0000001,\"huge\":150000000000000000000}");
    }

    @Test
    void nodeFactoryKeepsTrailingZeros() {
        assertThat(Json.nodes().numberNode(new BigDecimal("1.500")).toString()).isEqualTo("1.500");
    }

    @Test
    void acceptsNumbersLongerThanJacksonsDefaultLimit() throws Exception {
        String digits = "9".repeat(5000) + "." + "1".repeat(3000);
        JsonNode tree = Json.mapper().readTree("[" + digits + "]");
        assertThat(tree.get(0).decimalValue().toPlainString()).isEqualTo(digits);
    }

    @Test
    void trailingContentIsAnError() {
        assertThatThrownBy(() -> Json.mapper().readTree("{\"a\":1} x")).isInstanceOf(Exception.class);
    }

    @Test
    void writeTreeWritesEveryNodeType() throws Exception {
        ObjectNode node = Json.object();
        node.put("s", "x\"y");
        node.put("i", 1);
        node.put("l", 1L << 40);
        node.put("bi", new BigInteger("123456789012345678901234567890"));
        node.put("d", new BigDecimal("1.500"));
        node.put("dbl", 2.5d);
        node.put("flt", 0.5f);
        node.put("b", true);
        node.putNull("n");
        node.putArray("arr").add(1).add("two").addNull();
        node.putObject("obj").put("k", "v");
        node.put("bin", new byte[]{1, 2, 3});
        node.putPOJO("pojo", Map.of("a", 1));
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            Json.writeTree(g, node);
        }
        assertThat(out.toString()).isEqualTo("{\"s\":\"x\\\"y\",\"i\":1,\"l\":1099511627776,"
                + "\"bi\":123456789012345678901234567890,\"d\":1.500,\"dbl\":2.5,\"flt\":0.5,\"b\":true,"
                + "\"n\":null,\"arr\":[1,\"two\",null],\"obj\":{\"k\":\"v\"},\"bin\":\"AQID\",\"pojo\":{\"a\":1}}");
    }
}
