package io.pgrealtime.relay.pgoutput;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Rewrites PostgreSQL's ISO-style ({@code DateStyle=ISO}, which the JDBC driver sets) date and
 * timestamp text to ISO-8601. Years outside 0000..9999 use ISO-8601's expanded years, as
 * {@code java.time} prints them: a year past 9999 gets a {@code +}, and a BC year {@code Y} is the
 * astronomical year {@code 1 - Y} ({@code 0001 BC} is {@code 0000}, {@code 0044 BC} is
 * {@code -0043}). Anything not in that exact shape — {@code infinity}, {@code -infinity},
 * another DateStyle — is returned unchanged, so no value is ever lost.
 */
final class PgTemporal {

    private static final String BC = " BC";

    private PgTemporal() {
    }

    /**
     * {@code date}: {@code 2024-01-01} unchanged; {@code 12024-01-01} to {@code +12024-01-01};
     * {@code 0044-03-15 BC} to {@code -0043-03-15}.
     */
    static String date(String text) {
        boolean bc = text.endsWith(BC);
        String body = bc ? text.substring(0, text.length() - BC.length()) : text;
        int yearDigits = yearDigits(body);
        if (yearDigits < 4 || body.length() != yearDigits + 6) {
            return text;
        }
        if (!bc && yearDigits == 4) {
            return text;
        }
        String year = isoYear(body, yearDigits, bc);
        return year == null ? text : year + body.substring(yearDigits);
    }

    /**
     * {@code timestamp}: {@code 2024-01-01 10:00:00.123456} to {@code 2024-01-01T10:00:00.123456}.
     * The fractional digits are kept as PostgreSQL gave them (it drops trailing zeros). Years
     * outside 0000..9999 as described above.
     */
    static String timestamp(String text) {
        boolean bc = text.endsWith(BC);
        String body = bc ? text.substring(0, text.length() - BC.length()) : text;
        int yearDigits = yearDigits(body);
        if (yearDigits < 4 || !isTimePart(body, yearDigits + 6, body.length())) {
            return text;
        }
        String year = isoYear(body, yearDigits, bc);
        if (year == null) {
            return text;
        }
        return year + body.substring(yearDigits, yearDigits + 6) + 'T' + body.substring(yearDigits + 7);
    }

    /**
     * {@code timestamptz}: {@code 2024-01-01 10:00:00.5+05:30} to the UTC instant in
     * {@link java.time.Instant#toString()} form, {@code 2024-01-01T04:30:00.500Z}. The offset is
     * the session time zone's ({@code +01}, {@code +05:30}, {@code -03:30:15} for old local mean
     * times), so the session need not be UTC. A BC value ({@code 0044-03-15 10:00:00+00 BC})
     * becomes {@code -0043-03-15T10:00:00Z}.
     */
    static String timestamptz(String text) {
        boolean bc = text.endsWith(BC);
        String body = bc ? text.substring(0, text.length() - BC.length()) : text;
        int yearDigits = yearDigits(body);
        if (yearDigits < 4) {
            return text;
        }
        int timeStart = yearDigits + 7;
        int offsetStart = indexOfSign(body, timeStart + 8);
        if (offsetStart < 0 || !isTimePart(body, yearDigits + 6, offsetStart)) {
            return text;
        }
        try {
            int year = Integer.parseInt(body, 0, yearDigits, 10);
            if (bc) {
                if (year < 1) {
                    return text;
                }
                year = 1 - year;
            }
            int month = twoDigits(body, yearDigits + 1);
            int day = twoDigits(body, yearDigits + 4);
            int hour = twoDigits(body, timeStart);
            int minute = twoDigits(body, timeStart + 3);
            int second = twoDigits(body, timeStart + 6);
            int nanos = 0;
            int fractionEnd = offsetStart;
            if (timeStart + 8 < fractionEnd) {
                int digits = fractionEnd - (timeStart + 9);
                if (digits > 9) {
                    return text;
                }
                nanos = Integer.parseInt(body, timeStart + 9, fractionEnd, 10);
                for (int i = digits; i < 9; i++) {
                    nanos *= 10;
                }
            }
            ZoneOffset offset = parseOffset(body, offsetStart);
            if (offset == null) {
                return text;
            }
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(offset).toString();
        } catch (DateTimeException | NumberFormatException e) {
            return text;
        }
    }

    /**
     * The ISO-8601 year of the {@code yearDigits} leading digits of {@code text}: 4 digits as they
     * are, more with a {@code +}, BC as the astronomical year (sign and at least 4 digits); null
     * for BC year 0, which PostgreSQL never writes.
     */
    private static String isoYear(String text, int yearDigits, boolean bc) {
        if (!bc) {
            return yearDigits > 4 ? "+" + text.substring(0, yearDigits) : text.substring(0, yearDigits);
        }
        long year;
        try {
            year = Long.parseLong(text, 0, yearDigits, 10);
        } catch (NumberFormatException e) {
            return null;
        }
        if (year < 1) {
            return null;
        }
        long astronomical = year - 1;
        String digits = Long.toString(astronomical);
        String padded = "0".repeat(Math.max(0, 4 - digits.length())) + digits;
        return astronomical == 0 ? padded : "-" + padded;
    }

    /** {@code ±HH}, {@code ±HH:MM} or {@code ±HH:MM:SS} running to the end of the text; null otherwise. */
    private static ZoneOffset parseOffset(String text, int start) {
        int sign = text.charAt(start) == '-' ? -1 : 1;
        int length = text.length() - start;
        if (length != 3 && length != 6 && length != 9) {
            return null;
        }
        int hours = twoDigits(text, start + 1);
        int minutes = 0;
        int seconds = 0;
        if (length >= 6) {
            if (text.charAt(start + 3) != ':') {
                return null;
            }
            minutes = twoDigits(text, start + 4);
        }
        if (length == 9) {
            if (text.charAt(start + 6) != ':') {
                return null;
            }
            seconds = twoDigits(text, start + 7);
        }
        if (hours < 0 || minutes < 0 || seconds < 0) {
            return null;
        }
        return ZoneOffset.ofHoursMinutesSeconds(sign * hours, sign * minutes, sign * seconds);
    }

    /** Number of leading digits if followed by {@code -MM-DD }, else -1. */
    private static int yearDigits(String text) {
        int i = 0;
        while (i < text.length() && isDigit(text.charAt(i))) {
            i++;
        }
        if (i + 6 > text.length() || text.charAt(i) != '-' || !isDigit(text.charAt(i + 1))
                || !isDigit(text.charAt(i + 2)) || text.charAt(i + 3) != '-' || !isDigit(text.charAt(i + 4))
                || !isDigit(text.charAt(i + 5))) {
            return -1;
        }
        return i;
    }

    /** {@code ' HH:MM:SS'} optionally followed by {@code .digits}, exactly filling [from, to). */
    private static boolean isTimePart(String text, int from, int to) {
        if (to - from < 9 || to > text.length() || text.charAt(from) != ' ') {
            return false;
        }
        int t = from + 1;
        if (!isDigit(text.charAt(t)) || !isDigit(text.charAt(t + 1)) || text.charAt(t + 2) != ':'
                || !isDigit(text.charAt(t + 3)) || !isDigit(text.charAt(t + 4)) || text.charAt(t + 5) != ':'
                || !isDigit(text.charAt(t + 6)) || !isDigit(text.charAt(t + 7))) {
            return false;
        }
        int i = t + 8;
        if (i == to) {
            return true;
        }
        if (text.charAt(i) != '.' || i + 1 == to) {
            return false;
        }
        for (i++; i < to; i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int indexOfSign(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+' || c == '-') {
                return i;
            }
        }
        return -1;
    }

    /** Two digits at {@code i} as a number, or -1 if they are not both digits. */
    private static int twoDigits(String text, int i) {
        if (i + 2 > text.length() || !isDigit(text.charAt(i)) || !isDigit(text.charAt(i + 1))) {
            return -1;
        }
        return (text.charAt(i) - '0') * 10 + (text.charAt(i + 1) - '0');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
