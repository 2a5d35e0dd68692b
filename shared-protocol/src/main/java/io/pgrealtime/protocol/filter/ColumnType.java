package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

/**
 * How filter values compare on a column, derived from its PostgreSQL type.
 *
 * <p>Which operators each type supports:
 * <ul>
 *   <li>{@code eq}, {@code neq}, {@code in}: every type but {@link #ARRAY};</li>
 *   <li>{@code gt}, {@code gte}, {@code lt}, {@code lte}, {@code between}: numbers, text, uuid,
 *       timestamps, dates, times;</li>
 *   <li>{@code like}, {@code ilike}: {@link #TEXT} only;</li>
 *   <li>{@code is: null}: every type; {@code is: true/false}: {@link #BOOLEAN} only.</li>
 * </ul>
 * {@link #OTHER} (enums, inet, interval, citext, …) compares by JSON kind and offers equality only,
 * because its order is the type's own (an enum's declaration order), which the text cannot show.
 */
public enum ColumnType {
    INTEGER(true, true),
    DECIMAL(true, true),
    FLOAT(true, true),
    BOOLEAN(true, false),
    TEXT(true, true),
    UUID(true, true),
    TIMESTAMP(true, true),
    TIMESTAMPTZ(true, true),
    DATE(true, true),
    TIME(true, true),
    JSON(true, false),
    ARRAY(false, false),
    OTHER(true, false);

    private final boolean equality;
    private final boolean ordering;

    ColumnType(boolean equality, boolean ordering) {
        this.equality = equality;
        this.ordering = ordering;
    }

    /** Whether {@code eq}, {@code neq} and {@code in} apply. */
    public boolean supportsEquality() {
        return equality;
    }

    /** Whether {@code gt}, {@code gte}, {@code lt}, {@code lte} and {@code between} apply. */
    public boolean supportsOrdering() {
        return ordering;
    }

    /** Whether {@code like} and {@code ilike} apply. */
    public boolean supportsLike() {
        return this == TEXT;
    }

    /**
     * A key for the value under this type's equality: two values compare equal with {@code eq}
     * exactly when their keys are {@code equals}. Use it to index subscriptions by
     * {@link CompiledFilter#equalityKeys()}. Null for null/absent values, values that do not fit
     * the type, and for {@link #ARRAY}.
     */
    public Object equalityKey(JsonNode value) {
        if (value == null || value.isNull() || this == ARRAY) {
            return null;
        }
        return ValueType.of(this).key(value);
    }

    /**
     * Maps a PostgreSQL type name, either the catalog name ({@code int4}, {@code timestamptz},
     * {@code _text}) or the SQL name ({@code integer}, {@code timestamp with time zone},
     * {@code character varying(20)}, {@code text[]}), to a column type; type modifiers in
     * parentheses are ignored; unknown names give {@link #OTHER}.
     */
    public static ColumnType fromPgTypeName(String name) {
        if (name == null) {
            return OTHER;
        }
        String n = name.replaceAll("\\([^)]*\\)", "").trim().replaceAll("\\s+", " ")
                .toLowerCase(Locale.ROOT).replace("\"", "");
        if (n.startsWith("_") || n.endsWith("[]")) {
            return ARRAY;
        }
        return switch (n) {
            case "int2", "int4", "int8", "smallint", "integer", "int", "bigint" -> INTEGER;
            case "numeric", "decimal" -> DECIMAL;
            case "float4", "float8", "real", "double precision", "float" -> FLOAT;
            case "bool", "boolean" -> BOOLEAN;
            case "text", "varchar", "bpchar", "char", "name", "character varying", "character" -> TEXT;
            case "uuid" -> UUID;
            case "timestamp", "timestamp without time zone" -> TIMESTAMP;
            case "timestamptz", "timestamp with time zone" -> TIMESTAMPTZ;
            case "date" -> DATE;
            case "time", "timetz", "time without time zone", "time with time zone" -> TIME;
            case "json", "jsonb" -> JSON;
            default -> OTHER;
        };
    }
}
