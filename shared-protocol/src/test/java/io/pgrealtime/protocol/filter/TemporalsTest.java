package io.pgrealtime.protocol.filter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TemporalsTest {
    private static final Instant PG_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private static long micros(String instant) {
        return ChronoUnit.MICROS.between(PG_EPOCH, Instant.parse(instant));
    }

    @Test
    void timestamptzCountsMicrosSince2000Utc() {
        assertThat(Temporals.parse("2000-01-01T00:00:00Z", ColumnType.TIMESTAMPTZ)).isZero();
        assertThat(Temporals.parse("2024-06-15T12:34:56.789012Z", ColumnType.TIMESTAMPTZ))
                .isEqualTo(micros("2024-06-15T12:34:56.789012Z"));
        assertThat(Temporals.parse("1969-07-20T20:17:40Z", ColumnType.TIMESTAMPTZ)).isEqualTo(micros("1969-07-20T20:17:40Z"));
        assertThat(Temporals.parse("2024-06-15T14:34:56+02:00", ColumnType.TIMESTAMPTZ)).isEqualTo(micros("2024-06-15T12:34:56Z"));
        assertThat(Temporals.parse("2024-06-15t12:34:56z", ColumnType.TIMESTAMPTZ)).isEqualTo(micros("2024-06-15T12:34:56Z"));
        assertThat(Temporals.parse("2024-06-15 12:34", ColumnType.TIMESTAMPTZ)).isEqualTo(micros("2024-06-15T12:34:00Z"));
        assertThat(Temporals.parse("1900-01-01T00:00:00+00:09:21", ColumnType.TIMESTAMPTZ))
                .isEqualTo(micros("1899-12-31T23:50:39Z"));
    }

    @Test
    void fractionsRoundToMicros() {
        assertThat(Temporals.parse("2000-01-01T00:00:00.1Z", ColumnType.TIMESTAMPTZ)).isEqualTo(100_000);
        assertThat(Temporals.parse("2000-01-01T00:00:00.0000015Z", ColumnType.TIMESTAMPTZ)).isEqualTo(2);
        assertThat(Temporals.parse("2000-01-01T00:00:00.0000014999Z", ColumnType.TIMESTAMPTZ)).isEqualTo(1);
        assertThat(Temporals.parse("2000-01-01T00:00:00,5Z", ColumnType.TIMESTAMPTZ)).isEqualTo(500_000);
    }

    @Test
    void agreesWithJavaTimeOverManyDates() {
        for (long day = -800_000; day <= 800_000; day += 997) {
            LocalDate d = LocalDate.ofEpochDay(day);
            String iso = d.getYear() > 9999 ? "+" + d : d.toString();
            long expected = ChronoUnit.DAYS.between(LocalDate.of(2000, 1, 1), d);
            assertThat(Temporals.parse(iso, ColumnType.DATE)).as(iso).isEqualTo(expected);
        }
    }

    @Test
    void timestampIgnoresOffsets() {
        long local = ChronoUnit.MICROS.between(LocalDateTime.of(2000, 1, 1, 0, 0),
                LocalDateTime.of(2024, 1, 1, 10, 0)) ;
        assertThat(Temporals.parse("2024-01-01T10:00:00", ColumnType.TIMESTAMP)).isEqualTo(local);
        assertThat(Temporals.parse("2024-01-01T10:00:00+05:00", ColumnType.TIMESTAMP)).isEqualTo(local);
        assertThat(Temporals.parse("2024-01-01T10:00:00Z", ColumnType.TIMESTAMP)).isEqualTo(local);
    }

    @Test
    void dateIgnoresATimePart() {
        assertThat(Temporals.parse("2024-01-01T23:59:59+14:00", ColumnType.DATE))
                .isEqualTo(Temporals.parse("2024-01-01", ColumnType.DATE));
        assertThat(Temporals.parse("2024-01-01T99:00", ColumnType.DATE)).isEqualTo(Temporals.INVALID);
    }

    @Test
    void timeCountsMicrosOfDayMinusOffset() {
        assertThat(Temporals.parse("00:00:00", ColumnType.TIME)).isZero();
        assertThat(Temporals.parse("10:00:00.5", ColumnType.TIME)).isEqualTo(36_000_500_000L);
        assertThat(Temporals.parse("10:00:00+02", ColumnType.TIME)).isEqualTo(Temporals.parse("08:00:00", ColumnType.TIME));
        assertThat(Temporals.parse("24:00:00", ColumnType.TIME)).isEqualTo(86_400_000_000L);
        assertThat(Temporals.parse("infinity", ColumnType.TIME)).isEqualTo(Temporals.INVALID);
    }

    @Test
    void infinities() {
        assertThat(Temporals.parse("infinity", ColumnType.TIMESTAMPTZ)).isEqualTo(Temporals.POSITIVE_INFINITY);
        assertThat(Temporals.parse("+Infinity", ColumnType.DATE)).isEqualTo(Temporals.POSITIVE_INFINITY);
        assertThat(Temporals.parse("-INFINITY", ColumnType.TIMESTAMP)).isEqualTo(Temporals.NEGATIVE_INFINITY);
    }

    @Test
    void leapDaysAndSeconds() {
        assertThat(Temporals.parse("2024-02-29", ColumnType.DATE)).isNotEqualTo(Temporals.INVALID);
        assertThat(Temporals.parse("2000-02-29", ColumnType.DATE)).isNotEqualTo(Temporals.INVALID);
        assertThat(Temporals.parse("1900-02-29", ColumnType.DATE)).isEqualTo(Temporals.INVALID);
        assertThat(Temporals.parse("2023-02-29", ColumnType.DATE)).isEqualTo(Temporals.INVALID);
        assertThat(Temporals.parse("2016-12-31T23:59:60Z", ColumnType.TIMESTAMPTZ)).isEqualTo(micros("2017-01-01T00:00:00Z"));
    }

    @Test
    void thePostgresRangeFits() {
        assertThat(Temporals.parse("294276-12-31T23:59:59.999999Z", ColumnType.TIMESTAMPTZ)).isNotEqualTo(Temporals.INVALID);
        assertThat(Temporals.parse("-4713-11-24T00:00:00Z", ColumnType.TIMESTAMPTZ)).isNotEqualTo(Temporals.INVALID);
        assertThat(Temporals.parse("999999-12-31T23:59:59Z", ColumnType.TIMESTAMPTZ)).isEqualTo(Temporals.INVALID);
        assertThat(Temporals.parse(LocalDate.of(2024, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toString(),
                ColumnType.TIMESTAMPTZ)).isEqualTo(micros("2024-01-01T00:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2024", "2024-1-01", "24-01-01", "2024-13-01", "2024-00-10", "2024-01-32", "2024-01-00",
            "2024/01/01", "2024-01-01X10:00", "2024-01-01T", "2024-01-01T10", "2024-01-01T10:60", "2024-01-01T25:00",
            "2024-01-01T24:00:01", "2024-01-01T10:00:61", "2024-01-01T10:00:00.", "2024-01-01T10:00:00Zx",
            "2024-01-01T10:00:00+1", "2024-01-01T10:00:00+16:00", "2024-01-01T10:00:00+01:60", "2024-01-01T10:00:00 +01",
            "1234567-01-01", "infinityx", " 2024-01-01"})
    void rejectsMalformed(String text) {
        assertThat(Temporals.parse(text, ColumnType.TIMESTAMPTZ)).isEqualTo(Temporals.INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "10:0", "10:00:0", "1:00", "10:00:00+", "10:00:00.x", "T10:00"})
    void rejectsMalformedTimes(String text) {
        assertThat(Temporals.parse(text, ColumnType.TIME)).isEqualTo(Temporals.INVALID);
    }
}
