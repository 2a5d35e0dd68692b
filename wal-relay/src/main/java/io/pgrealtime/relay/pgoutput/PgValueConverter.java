package io.pgrealtime.relay.pgoutput;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Converts one column value from pgoutput's text format to JSON, by the column's type.
 *
 * <table>
 *   <caption>Conversion rules</caption>
 *   <tr><th>type</th><th>JSON</th></tr>
 *   <tr><td>NULL (any type)</td><td>{@code null}</td></tr>
 *   <tr><td>int2, int4, int8, oid</td><td>integer</td></tr>
 *   <tr><td>float4, float8</td><td>number; {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} as strings</td></tr>
 *   <tr><td>numeric</td><td>number with PostgreSQL's exact digits and scale ({@code BigDecimal});
 *       NaN and ±Infinity as strings</td></tr>
 *   <tr><td>bool</td><td>{@code true} / {@code false}</td></tr>
 *   <tr><td>json, jsonb</td><td>the JSON value itself, embedded (numbers exact)</td></tr>
 *   <tr><td>arrays (category 'A')</td><td>arrays, nested for n dimensions, each element converted by
 *       the element type</td></tr>
 *   <tr><td>timestamp</td><td>{@code "2024-01-01T10:00:00.123456"} (PostgreSQL's fraction digits)</td></tr>
 *   <tr><td>timestamptz</td><td>UTC, {@code Instant.toString()} form: {@code "2024-01-01T09:00:00.123456Z"}</td></tr>
 *   <tr><td>date</td><td>{@code "2024-01-01"}</td></tr>
 *   <tr><td>date, timestamp, timestamptz outside years 0000..9999</td><td>ISO-8601 expanded years:
 *       {@code "+12024-01-01"}, BC as astronomical years ({@code 0044-03-15 BC} is {@code "-0043-03-15"});
 *       {@code infinity}/{@code -infinity} as they are</td></tr>
 *   <tr><td>domains</td><td>as their base type</td></tr>
 *   <tr><td>everything else (text, varchar, char, name, uuid, enums, time, timetz, interval,
 *       bytea as {@code \x..} hex, geometric, ranges, composites, unknown OIDs)</td><td>PostgreSQL's
 *       text form as a string</td></tr>
 * </table>
 *
 * <p>Never throws on data: a value that does not parse as its type (or a date or timestamp that
 * is {@code infinity}) is given as its text form. Exceptions from the {@link TypeResolver}
 * propagate (see there).
 *
 * <p>Thread-safe if the resolver is. The JSON nodes come from a factory that keeps BigDecimals
 * exact; to <em>write</em> them with PostgreSQL's digits (not {@code 1E-7}) the serializing
 * {@code ObjectMapper} should enable {@code JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN}.
 */
public final class PgValueConverter {

    /** Exact BigDecimals: numeric {@code 1.50} must stay {@code 1.50}, not become {@code 1.5}. */
    public static final JsonNodeFactory NODES = exactNodeFactory();

    /** Domains over domains over arrays of domains…: bounded so that a resolver cycle cannot loop. */
    private static final int MAX_TYPE_DEPTH = 16;

    private static final ObjectReader JSON_READER = jsonReader();

    private final TypeResolver types;

    /**
     * @param types resolver chain, normally {@code TypeResolver.builtins().orElse(catalog)}; the
     *              scalar types in the table above are recognised by OID without asking it
     */
    public PgValueConverter(TypeResolver types) {
        this.types = Objects.requireNonNull(types, "types");
    }

    /** A converter that knows only {@link BuiltinTypes}. */
    public static PgValueConverter builtinsOnly() {
        return new PgValueConverter(TypeResolver.builtins());
    }

    /**
     * Converts one value.
     *
     * @param typeOid the column's type OID ({@code Relation.Column#typeOid()})
     * @param text    the value's text form, {@code null} for SQL NULL
     * @return a JSON node, {@code NullNode} for SQL NULL; never {@code null}
     */
    public JsonNode convert(int typeOid, String text) {
        return convert(typeOid, text, 0);
    }

    private JsonNode convert(int oid, String text, int depth) {
        if (text == null) {
            return NODES.nullNode();
        }
        // Built-in scalars by OID first: no resolver call on the hot path for the common types.
        return switch (oid) {
            case BuiltinTypes.INT2, BuiltinTypes.INT4 -> int4(text);
            case BuiltinTypes.INT8, BuiltinTypes.OID -> int8(text);
            case BuiltinTypes.FLOAT4 -> float4(text);
            case BuiltinTypes.FLOAT8 -> float8(text);
            case BuiltinTypes.NUMERIC -> numeric(text);
            case BuiltinTypes.BOOL -> bool(text);
            case BuiltinTypes.JSON, BuiltinTypes.JSONB -> json(text);
            case BuiltinTypes.TIMESTAMP -> NODES.textNode(PgTemporal.timestamp(text));
            case BuiltinTypes.TIMESTAMPTZ -> NODES.textNode(PgTemporal.timestamptz(text));
            case BuiltinTypes.DATE -> NODES.textNode(PgTemporal.date(text));
            case BuiltinTypes.TEXT, BuiltinTypes.VARCHAR, BuiltinTypes.BPCHAR, BuiltinTypes.CHAR,
                    BuiltinTypes.NAME, BuiltinTypes.UUID, BuiltinTypes.TIME,
                    BuiltinTypes.TIMETZ, BuiltinTypes.INTERVAL, BuiltinTypes.BYTEA -> NODES.textNode(text);
            default -> byMetadata(oid, text, depth);
        };
    }

    /** Arrays and domains need the catalog; everything else (enums included) is its text. */
    private JsonNode byMetadata(int oid, String text, int depth) {
        PgType type = depth < MAX_TYPE_DEPTH ? types.resolve(oid) : null;
        if (type == null) {
            return NODES.textNode(text);
        }
        if (type.isDomain()) {
            return convert(type.baseTypeOid(), text, depth + 1);
        }
        if (type.isArray()) {
            return array(type, text, depth);
        }
        return NODES.textNode(text);
    }

    private JsonNode array(PgType arrayType, String text, int depth) {
        int elementOid = arrayType.elementOid();
        // The delimiter is the element type's typdelim (array_out uses it), e.g. ';' for box[].
        PgType elementType = BuiltinTypes.get(elementOid);
        if (elementType == null && depth + 1 < MAX_TYPE_DEPTH) {
            elementType = types.resolve(elementOid);
        }
        char delimiter = elementType == null ? ',' : elementType.delimiter();
        try {
            return PgArrayParser.parse(text, delimiter, element -> convert(elementOid, element, depth + 1), NODES);
        } catch (IllegalArgumentException e) {
            return NODES.textNode(text);
        }
    }

    private static JsonNode int4(String text) {
        try {
            return NODES.numberNode(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            return NODES.textNode(text);
        }
    }

    private static JsonNode int8(String text) {
        try {
            return NODES.numberNode(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return NODES.textNode(text);
        }
    }

    private static JsonNode float4(String text) {
        if (isNonFinite(text) || !looksNumeric(text)) {
            return NODES.textNode(text);
        }
        try {
            float value = Float.parseFloat(text);
            // A float node writes Float.toString: PostgreSQL's shortest digits come back ("0.1"),
            // where widening to double would print 0.10000000149011612.
            return Float.isFinite(value) ? NODES.numberNode(value) : NODES.textNode(text);
        } catch (NumberFormatException e) {
            return NODES.textNode(text);
        }
    }

    private static JsonNode float8(String text) {
        if (isNonFinite(text) || !looksNumeric(text)) {
            return NODES.textNode(text);
        }
        try {
            double value = Double.parseDouble(text);
            return Double.isFinite(value) ? NODES.numberNode(value) : NODES.textNode(text);
        } catch (NumberFormatException e) {
            return NODES.textNode(text);
        }
    }

    private static JsonNode numeric(String text) {
        if (isNonFinite(text) || !looksNumeric(text)) {
            return NODES.textNode(text);
        }
        try {
            return NODES.numberNode(new BigDecimal(text));
        } catch (NumberFormatException e) {
            return NODES.textNode(text);
        }
    }

    private static JsonNode bool(String text) {
        return switch (text) {
            case "t" -> NODES.booleanNode(true);
            case "f" -> NODES.booleanNode(false);
            default -> NODES.textNode(text);
        };
    }

    private static JsonNode json(String text) {
        try {
            JsonNode node = JSON_READER.readTree(text);
            // readTree gives MissingNode for blank input; PostgreSQL never sends that, keep the text.
            return node == null || node.isMissingNode() ? NODES.textNode(text) : node;
        } catch (JsonProcessingException e) {
            return NODES.textNode(text);
        }
    }

    /** The spellings PostgreSQL uses for non-finite float and numeric values. */
    private static boolean isNonFinite(String text) {
        return text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity");
    }

    /**
     * Only [0-9+-.eE]: Java's parsers also accept hex floats, "1d", "1f" and surrounding
     * whitespace, none of which is a PostgreSQL number or valid JSON.
     */
    private static boolean looksNumeric(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') {
                return false;
            }
        }
        return true;
    }

    /**
     * Deprecated since Jackson 2.15 in favour of {@link JsonNodeFeature#STRIP_TRAILING_BIGDECIMAL_ZEROES}
     * (also turned off below), but still consulted by the node factory and tree reader of older
     * 2.x versions, which a dependency upgrade or downgrade could bring back.
     */
    @SuppressWarnings("deprecation")
    private static JsonNodeFactory exactNodeFactory() {
        return JsonNodeFactory.withExactBigDecimals(true);
    }

    private static ObjectReader jsonReader() {
        // jsonb numbers are numerics (up to 131072 digits) and documents may be large: Jackson's
        // default read limits (1000-digit numbers, 20M-char strings) would turn valid values into text.
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNumberLength(Integer.MAX_VALUE)
                        .maxStringLength(Integer.MAX_VALUE)
                        .maxNestingDepth(10_000)
                        .build())
                .build();
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.setNodeFactory(NODES);
        // Keep every digit of JSON numbers: 1.50 stays 1.50, 0.1 is not rounded through double.
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
        // "1 2" is not one JSON value; without this readTree would silently return 1.
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return mapper.reader();
    }
}
