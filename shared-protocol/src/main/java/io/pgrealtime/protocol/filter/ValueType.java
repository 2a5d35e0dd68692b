package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Comparison semantics of one column type: turns filter values into constants once
 * ({@link #coerce}), then compares row values against them without allocating on the common
 * paths ({@link #compare}).
 */
abstract class ValueType {
    /** {@link #compare} result when the row value cannot be compared (wrong kind): no operator holds. */
    static final int INCOMPARABLE = Integer.MIN_VALUE;

    static final ValueType NUMERIC = new Numeric(true);
    static final ValueType INTEGER = new Numeric(false);
    static final ValueType BOOLEAN = new Bool();
    static final ValueType TEXT = new Text();
    static final ValueType UUID = new Uuid();
    static final ValueType TIMESTAMPTZ = new Temporal(ColumnType.TIMESTAMPTZ, "timestamp");
    static final ValueType TIMESTAMP = new Temporal(ColumnType.TIMESTAMP, "timestamp");
    static final ValueType DATE = new Temporal(ColumnType.DATE, "date");
    static final ValueType TIME = new Temporal(ColumnType.TIME, "time");
    /** By JSON kind: for {@link ColumnType#OTHER} and for filters compiled without a table. */
    static final ValueType KIND = new Kind(false);
    /** By JSON kind with a total equality: a row value of another kind is simply unequal. */
    static final ValueType JSON = new Kind(true);

    static ValueType of(ColumnType type) {
        return switch (type) {
            case INTEGER -> INTEGER;
            case DECIMAL, FLOAT -> NUMERIC;
            case BOOLEAN -> BOOLEAN;
            case TEXT -> TEXT;
            case UUID -> UUID;
            case TIMESTAMP -> TIMESTAMP;
            case TIMESTAMPTZ -> TIMESTAMPTZ;
            case DATE -> DATE;
            case TIME -> TIME;
            case JSON -> JSON;
            case ARRAY, OTHER -> KIND;
        };
    }

    /**
     * The constant for a filter value (a JSON string, number or boolean).
     *
     * @throws IllegalArgumentException with a message for the client if the value does not fit
     */
    abstract Object coerce(JsonNode value);

    /** Compares a non-null row value with a constant: sign of row − constant, or {@link #INCOMPARABLE}. */
    abstract int compare(JsonNode row, Object constant);

    /** Equality key of a non-null row value (see {@link ColumnType#equalityKey}), or null. */
    abstract Object key(JsonNode row);

    /** Equality key of a constant made by {@link #coerce}. */
    Object constantKey(Object constant) {
        return constant;
    }

    /** Code point order (String.compareTo orders UTF-16 units, which misplaces supplementary characters). */
    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x >= 0xD800 && y >= 0xD800) {
                    // Surrogates (supplementary code points) must sort after U+E000..U+FFFF.
                    x = (char) (x >= 0xE000 ? x - 0x800 : x + 0x2000);
                    y = (char) (y >= 0xE000 ? y - 0x800 : y + 0x2000);
                }
                return x < y ? -1 : 1;
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    /** A numeric constant: a rank for the special values and a fast path for longs. */
    static final class Num {
        static final int NEGATIVE_INFINITY = -1;
        static final int FINITE = 0;
        static final int POSITIVE_INFINITY = 1;
        static final int NAN = 2;
        static final int NOT_SPECIAL = 99;

        final int rank;
        final BigDecimal decimal;
        final boolean isLong;
        final long longValue;

        Num(int rank, BigDecimal decimal) {
            this.rank = rank;
            this.decimal = decimal;
            long lv = 0;
            boolean fits = false;
            if (decimal != null) {
                BigDecimal stripped = decimal.signum() == 0 ? BigDecimal.ZERO : decimal.stripTrailingZeros();
                if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 19) {
                    try {
                        lv = stripped.longValueExact();
                        fits = true;
                    } catch (ArithmeticException tooBig) {
                        fits = false;
                    }
                }
            }
            this.isLong = fits;
            this.longValue = lv;
        }

        /** Rank of PostgreSQL's special float/numeric spellings; {@link #NOT_SPECIAL} otherwise. */
        static int specialRank(String s) {
            if (s.equalsIgnoreCase("NaN")) {
                return NAN;
            }
            if (s.equalsIgnoreCase("Infinity") || s.equalsIgnoreCase("+Infinity")
                    || s.equalsIgnoreCase("inf") || s.equalsIgnoreCase("+inf")) {
                return POSITIVE_INFINITY;
            }
            if (s.equalsIgnoreCase("-Infinity") || s.equalsIgnoreCase("-inf")) {
                return NEGATIVE_INFINITY;
            }
            return NOT_SPECIAL;
        }

        /** Keys of the special values: not strings, so they never equal a text key. */
        enum Special { NAN, POSITIVE_INFINITY, NEGATIVE_INFINITY }

        static Object specialKey(int rank) {
            return switch (rank) {
                case NAN -> Special.NAN;
                case POSITIVE_INFINITY -> Special.POSITIVE_INFINITY;
                default -> Special.NEGATIVE_INFINITY;
            };
        }

        static BigDecimal normalize(BigDecimal d) {
            return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        }
    }

    /**
     * Numbers compare numerically ({@code 1 == 1.0}); strings holding numbers are accepted as
     * filter values. PostgreSQL's NaN equals NaN and sorts above everything, +/-Infinity sort at
     * the ends; rows carry them as the strings "NaN", "Infinity", "-Infinity".
     */
    static final class Numeric extends ValueType {
        private final boolean specials;

        Numeric(boolean specials) {
            this.specials = specials;
        }

        @Override
        Object coerce(JsonNode value) {
            if (value.isNumber()) {
                if (value.isDouble() || value.isFloat()) {
                    return fromDouble(value.doubleValue(), value.toString());
                }
                return new Num(Num.FINITE, value.decimalValue());
            }
            if (!value.isTextual()) {
                throw new IllegalArgumentException("expected a number, not " + value);
            }
            String text = value.textValue().trim();
            int rank = Num.specialRank(text);
            if (rank != Num.NOT_SPECIAL) {
                if (!specials) {
                    throw new IllegalArgumentException("an integer column cannot hold " + text);
                }
                return new Num(rank, null);
            }
            try {
                return new Num(Num.FINITE, new BigDecimal(text));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a number");
            }
        }

        private Num fromDouble(double d, String text) {
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                if (!specials) {
                    throw new IllegalArgumentException("an integer column cannot hold " + text);
                }
                return new Num(Double.isNaN(d) ? Num.NAN : d > 0 ? Num.POSITIVE_INFINITY : Num.NEGATIVE_INFINITY, null);
            }
            return new Num(Num.FINITE, BigDecimal.valueOf(d));
        }

        @Override
        int compare(JsonNode row, Object constant) {
            Num c = (Num) constant;
            int rank = rank(row);
            if (rank == Num.NOT_SPECIAL) {
                return INCOMPARABLE;
            }
            if (rank != c.rank) {
                return rank < c.rank ? -1 : 1;
            }
            if (rank != Num.FINITE) {
                return 0;
            }
            if (c.isLong && row.isIntegralNumber() && row.canConvertToLong()) {
                return Long.compare(row.longValue(), c.longValue);
            }
            if (row.isDouble() || row.isFloat()) {
                // -0.0 equals 0 here, as in PostgreSQL (Double.compare would order them).
                return Integer.signum(BigDecimal.valueOf(row.doubleValue()).compareTo(c.decimal));
            }
            return Integer.signum(row.decimalValue().compareTo(c.decimal));
        }

        /** The row value's rank, {@link Num#NOT_SPECIAL} when it is not a number at all. */
        private static int rank(JsonNode row) {
            if (row.isNumber()) {
                if (row.isDouble() || row.isFloat()) {
                    double d = row.doubleValue();
                    if (Double.isNaN(d)) {
                        return Num.NAN;
                    }
                    if (Double.isInfinite(d)) {
                        return d > 0 ? Num.POSITIVE_INFINITY : Num.NEGATIVE_INFINITY;
                    }
                }
                return Num.FINITE;
            }
            if (row.isTextual()) {
                int special = Num.specialRank(row.textValue());
                return special == Num.NOT_SPECIAL ? Num.NOT_SPECIAL : special;
            }
            return Num.NOT_SPECIAL;
        }

        @Override
        Object key(JsonNode row) {
            int rank = rank(row);
            if (rank == Num.NOT_SPECIAL) {
                return null;
            }
            if (rank != Num.FINITE) {
                return Num.specialKey(rank);
            }
            BigDecimal d = row.isDouble() || row.isFloat() ? BigDecimal.valueOf(row.doubleValue()) : row.decimalValue();
            return Num.normalize(d);
        }

        @Override
        Object constantKey(Object constant) {
            Num c = (Num) constant;
            return c.rank == Num.FINITE ? Num.normalize(c.decimal) : Num.specialKey(c.rank);
        }
    }

    /** Booleans; the strings "true"/"false" (any case) are accepted as filter values. */
    static final class Bool extends ValueType {
        @Override
        Object coerce(JsonNode value) {
            if (value.isBoolean()) {
                return value.booleanValue();
            }
            if (value.isTextual()) {
                String t = value.textValue().trim();
                if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(t.toLowerCase(Locale.ROOT));
                }
            }
            throw new IllegalArgumentException("expected true or false, not " + value);
        }

        @Override
        int compare(JsonNode row, Object constant) {
            return row.isBoolean() ? Boolean.compare(row.booleanValue(), (Boolean) constant) : INCOMPARABLE;
        }

        @Override
        Object key(JsonNode row) {
            return row.isBoolean() ? row.booleanValue() : null;
        }
    }

    /**
     * Exact string comparison, ordered by code point (PostgreSQL's "C" collation). Numbers and
     * booleans given as filter values compare as their JSON text.
     */
    static final class Text extends ValueType {
        @Override
        Object coerce(JsonNode value) {
            if (value.isTextual()) {
                return value.textValue();
            }
            return value.isBigDecimal() ? value.decimalValue().toPlainString() : value.asText();
        }

        @Override
        int compare(JsonNode row, Object constant) {
            return row.isTextual() ? compareCodePoints(row.textValue(), (String) constant) : INCOMPARABLE;
        }

        @Override
        Object key(JsonNode row) {
            return row.isTextual() ? row.textValue() : null;
        }
    }

    /** UUIDs, case-insensitively; filter values may be hyphenated, bare hex or braced. */
    static final class Uuid extends ValueType {
        private static final Pattern FORM = Pattern.compile(
                "\\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}}?");

        @Override
        Object coerce(JsonNode value) {
            String t = value.isTextual() ? value.textValue().trim() : "";
            if (!FORM.matcher(t).matches() || t.startsWith("{") != t.endsWith("}")) {
                throw new IllegalArgumentException("expected a UUID, not " + value);
            }
            String hex = t.replace("{", "").replace("}", "").replace("-", "").toLowerCase(Locale.ROOT);
            return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                    + hex.substring(16, 20) + "-" + hex.substring(20);
        }

        @Override
        int compare(JsonNode row, Object constant) {
            if (!row.isTextual()) {
                return INCOMPARABLE;
            }
            return Integer.signum(String.CASE_INSENSITIVE_ORDER.compare(row.textValue(), (String) constant));
        }

        @Override
        Object key(JsonNode row) {
            return row.isTextual() ? row.textValue().toLowerCase(Locale.ROOT) : null;
        }
    }

    /** Timestamps, dates and times as counts, see {@link Temporals}. */
    static final class Temporal extends ValueType {
        private final ColumnType type;
        private final String noun;

        Temporal(ColumnType type, String noun) {
            this.type = type;
            this.noun = noun;
        }

        @Override
        Object coerce(JsonNode value) {
            long v = value.isTextual() ? Temporals.parse(value.textValue().trim(), type) : Temporals.INVALID;
            if (v == Temporals.INVALID) {
                throw new IllegalArgumentException("expected an ISO-8601 " + noun + ", not " + value);
            }
            return v;
        }

        @Override
        int compare(JsonNode row, Object constant) {
            if (!row.isTextual()) {
                return INCOMPARABLE;
            }
            long v = Temporals.parse(row.textValue(), type);
            return v == Temporals.INVALID ? INCOMPARABLE : Long.compare(v, (Long) constant);
        }

        @Override
        Object key(JsonNode row) {
            long v = row.isTextual() ? Temporals.parse(row.textValue(), type) : Temporals.INVALID;
            return v == Temporals.INVALID ? null : v;
        }
    }

    /**
     * By JSON kind: numbers numerically, strings by code point, booleans (false before true).
     * A row value of another kind is incomparable, or, with a total equality (json columns),
     * unequal.
     */
    static final class Kind extends ValueType {
        private final boolean totalEquality;

        Kind(boolean totalEquality) {
            this.totalEquality = totalEquality;
        }

        @Override
        Object coerce(JsonNode value) {
            if (value.isNumber()) {
                return NUMERIC.coerce(value);
            }
            if (value.isTextual()) {
                return value.textValue();
            }
            return value.booleanValue();
        }

        @Override
        int compare(JsonNode row, Object constant) {
            int c = INCOMPARABLE;
            if (constant instanceof Num && row.isNumber()) {
                c = NUMERIC.compare(row, constant);
            } else if (constant instanceof String s && row.isTextual()) {
                c = compareCodePoints(row.textValue(), s);
            } else if (constant instanceof Boolean b && row.isBoolean()) {
                c = Boolean.compare(row.booleanValue(), b);
            }
            return c == INCOMPARABLE && totalEquality ? 1 : c;
        }

        @Override
        Object key(JsonNode row) {
            if (row.isNumber()) {
                return NUMERIC.key(row);
            }
            if (row.isTextual()) {
                return row.textValue();
            }
            return row.isBoolean() ? row.booleanValue() : null;
        }

        @Override
        Object constantKey(Object constant) {
            return constant instanceof Num ? NUMERIC.constantKey(constant) : constant;
        }
    }
}
