package io.pgrealtime.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;

import java.io.IOException;
import java.util.Map;

/**
 * The one pre-configured Jackson {@link ObjectMapper} every module uses for wire JSON.
 *
 * <p>Why a shared configuration: PostgreSQL {@code numeric} values travel as JSON numbers and must
 * keep their exact digits end to end ({@code 0.0000001} and {@code 1.500} stay as written). So:
 * <ul>
 *   <li>floats are read as {@link java.math.BigDecimal} (never {@code double}), integers beyond
 *       {@code long} as {@link java.math.BigInteger};</li>
 *   <li>trees keep BigDecimals as read (no trailing-zero stripping);</li>
 *   <li>BigDecimals are written in plain notation ({@code 0.0000001}, not {@code 1E-7});</li>
 *   <li>characters outside the BMP (emoji) are written as 4-byte UTF-8, not as escaped surrogate
 *       pairs, so byte and string output agree;</li>
 *   <li>numbers may be up to {@value #MAX_NUMBER_LENGTH} characters long (PostgreSQL numeric
 *       allows 131072 digits before and 16383 after the point; Jackson's default is 1000);</li>
 *   <li>unknown properties are ignored when binding to classes (forward compatibility), and
 *       trailing content after a JSON value is an error.</li>
 * </ul>
 *
 * <p>Thread-safe. The mapper is shared: do not reconfigure it; use {@code mapper().copy()} for a
 * variant.
 */
public final class Json {
    /** Longest accepted JSON number, in characters. */
    public static final int MAX_NUMBER_LENGTH = 150_000;

    private static final ObjectMapper MAPPER = build();

    private Json() {
    }

    /** The shared mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The mapper's factory, for streaming parsers and generators with the same settings. */
    public static JsonFactory factory() {
        return MAPPER.getFactory();
    }

    /** The mapper's node factory (keeps BigDecimals exact); use it to build rows. */
    public static JsonNodeFactory nodes() {
        return MAPPER.getNodeFactory();
    }

    /** A new empty object node from {@link #nodes()}. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Writes a tree with a streaming generator, without going through a serializer provider (this
     * is the relay's hot path). Numbers are written with the node's own type, so a
     * {@link java.math.BigDecimal} keeps its digits; a {@code MissingNode} is written as
     * {@code null}.
     */
    public static void writeTree(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    g.writeFieldName(e.getKey());
                    writeTree(g, e.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode element : node) {
                    writeTree(g, element);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case NUMBER -> writeNumber(g, node);
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case BINARY -> g.writeBinary(node.binaryValue());
            case POJO -> MAPPER.writeValue(g, ((POJONode) node).getPojo());
            case NULL, MISSING -> g.writeNull();
        }
    }

    private static void writeNumber(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.numberType()) {
            case INT -> g.writeNumber(node.intValue());
            case LONG -> g.writeNumber(node.longValue());
            case BIG_INTEGER -> g.writeNumber(node.bigIntegerValue());
            case FLOAT -> g.writeNumber(node.floatValue());
            case DOUBLE -> g.writeNumber(node.doubleValue());
            case BIG_DECIMAL -> g.writeNumber(node.decimalValue());
        }
    }

    private static ObjectMapper build() {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                // Shortest round-trip digits: Java 17's Double.toString writes 1e23 as 9.999999999999999E22.
                .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                .build();
        return JsonMapper.builder(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
                .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                .build();
    }
}
