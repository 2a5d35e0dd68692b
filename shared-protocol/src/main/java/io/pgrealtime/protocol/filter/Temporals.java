package io.pgrealtime.protocol.filter;

/**
 * Allocation-free parsing of the ISO-8601 forms the relay writes (and the looser forms filter
 * values may use) into one {@code long} per value, so that rows compare without creating
 * {@code java.time} objects.
 *
 * <ul>
 *   <li>{@link ColumnType#TIMESTAMPTZ}: microseconds since 2000-01-01T00:00:00Z (PostgreSQL's own
 *       epoch, so its whole range fits). A value without an offset is UTC; a date alone is
 *       midnight UTC.</li>
 *   <li>{@link ColumnType#TIMESTAMP}: the same count for the wall-clock time; an offset in the
 *       input is ignored, as PostgreSQL ignores it for {@code timestamp without time zone}.</li>
 *   <li>{@link ColumnType#DATE}: days since 2000-01-01; a time part is accepted and ignored.</li>
 *   <li>{@link ColumnType#TIME}: microseconds of the day, minus the offset if one is given
 *       ({@code timetz} compares by its UTC time, as PostgreSQL does).</li>
 * </ul>
 *
 * Accepted: {@code [+-]YYYY[YY]-MM-DD}, then {@code T}, {@code t} or a space and
 * {@code HH:MM[:SS[.fraction]]}, then {@code Z}, {@code +HH}, {@code +HHMM}, {@code +HH:MM} or
 * {@code +HH:MM:SS}. Fractions beyond microseconds are rounded half up. {@code infinity} and
 * {@code -infinity} (any case) are the largest and smallest dates and timestamps.
 */
final class Temporals {
    /** Returned for text that is not a value of the kind. */
    static final long INVALID = Long.MIN_VALUE;
    static final long POSITIVE_INFINITY = Long.MAX_VALUE;
    static final long NEGATIVE_INFINITY = Long.MIN_VALUE + 1;

    private static final long MICROS_PER_DAY = 86_400_000_000L;
    /** Days from 1970-01-01 to 2000-01-01. */
    private static final long PG_EPOCH_DAY = 10_957;

    private Temporals() {
    }

    /** The value's count for the column type, or {@link #INVALID}. */
    static long parse(String s, ColumnType type) {
        int n = s.length();
        if (n == 0) {
            return INVALID;
        }
        if (type != ColumnType.TIME && isInfinity(s)) {
            return s.charAt(0) == '-' ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
        }
        try {
            return type == ColumnType.TIME ? time(s, 0, true) : dateTime(s, type);
        } catch (ArithmeticException overflow) {
            return INVALID;
        }
    }

    private static long dateTime(String s, ColumnType type) {
        int n = s.length();
        int i = 0;
        boolean negative = false;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        int start = i;
        long year = 0;
        while (i < n && i - start < 6 && isDigit(s.charAt(i))) {
            year = year * 10 + (s.charAt(i) - '0');
            i++;
        }
        if (i - start < 4 || i >= n || s.charAt(i) != '-') {
            return INVALID;
        }
        year = negative ? -year : year;
        int month = twoDigits(s, i + 1);
        if (month < 1 || month > 12 || i + 3 >= n || s.charAt(i + 3) != '-') {
            return INVALID;
        }
        int day = twoDigits(s, i + 4);
        if (day < 1 || day > daysInMonth(year, month)) {
            return INVALID;
        }
        i += 6;
        long days = daysFromCivil(year, month, day) - PG_EPOCH_DAY;
        if (i == n) {
            return type == ColumnType.DATE ? days : Math.multiplyExact(days, MICROS_PER_DAY);
        }
        char sep = s.charAt(i);
        if (sep != 'T' && sep != 't' && sep != ' ') {
            return INVALID;
        }
        if (type == ColumnType.DATE) {
            return time(s, i + 1, false) == INVALID ? INVALID : days;
        }
        long t = time(s, i + 1, type == ColumnType.TIMESTAMPTZ);
        return t == INVALID ? INVALID : Math.addExact(Math.multiplyExact(days, MICROS_PER_DAY), t);
    }

    /**
     * Parses {@code HH:MM[:SS[.f]][offset]} from {@code i} to the end: micros of the day, minus
     * the offset when {@code applyOffset}, else with the offset checked and ignored.
     */
    private static long time(String s, int i, boolean applyOffset) {
        int n = s.length();
        int hour = twoDigits(s, i);
        if (hour < 0 || i + 2 >= n || s.charAt(i + 2) != ':') {
            return INVALID;
        }
        int minute = twoDigits(s, i + 3);
        if (minute < 0 || minute > 59) {
            return INVALID;
        }
        i += 5;
        int second = 0;
        long fraction = 0;
        if (i < n && s.charAt(i) == ':') {
            second = twoDigits(s, i + 1);
            if (second < 0 || second > 60) {
                return INVALID;
            }
            i += 3;
            if (i < n && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
                i++;
                int digits = 0;
                boolean roundUp = false;
                while (i < n && isDigit(s.charAt(i))) {
                    if (digits < 6) {
                        fraction = fraction * 10 + (s.charAt(i) - '0');
                    } else if (digits == 6) {
                        roundUp = s.charAt(i) >= '5';
                    }
                    digits++;
                    i++;
                }
                if (digits == 0) {
                    return INVALID;
                }
                for (int d = Math.min(digits, 6); d < 6; d++) {
                    fraction *= 10;
                }
                fraction += roundUp ? 1 : 0;
            }
        }
        if (hour > 24 || (hour == 24 && (minute != 0 || second != 0 || fraction != 0))) {
            return INVALID;
        }
        long micros = ((hour * 60L + minute) * 60L + second) * 1_000_000L + fraction;
        if (i == n) {
            return micros;
        }
        long offsetSeconds = offset(s, i);
        if (offsetSeconds == INVALID) {
            return INVALID;
        }
        return applyOffset ? micros - offsetSeconds * 1_000_000L : micros;
    }

    /** Seconds east of UTC for an offset running to the end of {@code s}, or {@link #INVALID}. */
    private static long offset(String s, int i) {
        int n = s.length();
        char c = s.charAt(i);
        if (c == 'Z' || c == 'z') {
            return i + 1 == n ? 0 : INVALID;
        }
        if (c != '+' && c != '-') {
            return INVALID;
        }
        int hours = twoDigits(s, i + 1);
        int minutes = 0;
        int seconds = 0;
        i += 3;
        if (i < n && s.charAt(i) == ':') {
            minutes = twoDigits(s, i + 1);
            i += 3;
            if (i < n && s.charAt(i) == ':') {
                seconds = twoDigits(s, i + 1);
                i += 3;
            }
        } else if (i < n) {
            minutes = twoDigits(s, i);
            i += 2;
        }
        if (i != n || hours < 0 || hours > 15 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59) {
            return INVALID;
        }
        long total = hours * 3600L + minutes * 60L + seconds;
        return c == '-' ? -total : total;
    }

    private static boolean isInfinity(String s) {
        return s.equalsIgnoreCase("infinity") || s.equalsIgnoreCase("+infinity") || s.equalsIgnoreCase("-infinity");
    }

    private static int twoDigits(String s, int i) {
        if (i + 1 >= s.length() || !isDigit(s.charAt(i)) || !isDigit(s.charAt(i + 1))) {
            return -1;
        }
        return (s.charAt(i) - '0') * 10 + (s.charAt(i + 1) - '0');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int daysInMonth(long year, int month) {
        return switch (month) {
            case 2 -> isLeap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static boolean isLeap(long year) {
        return Math.floorMod(year, 4) == 0 && (Math.floorMod(year, 100) != 0 || Math.floorMod(year, 400) == 0);
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    private static long daysFromCivil(long year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }
}
