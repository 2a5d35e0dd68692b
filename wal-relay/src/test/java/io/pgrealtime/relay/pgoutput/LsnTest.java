package io.pgrealtime.relay.pgoutput;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LsnTest {

    @ParameterizedTest
    @CsvSource({
            "16/B374D848, 16B374D848",
            "0/0, 0",
            "0/1, 1",
            "1/0, 100000000",
            "FFFFFFFF/FFFFFFFF, FFFFFFFFFFFFFFFF",
            "80000000/0, 8000000000000000"})
    void textAndLongFormsRoundTrip(String text, String hex) {
        long value = Long.parseUnsignedLong(hex, 16);
        Lsn lsn = Lsn.valueOf(text);
        assertThat(lsn.asLong()).isEqualTo(value);
        assertThat(lsn.toString()).isEqualTo(text);
        assertThat(Lsn.valueOf(value)).isEqualTo(lsn);
    }

    @Test
    void parsesLowerCaseAndPrintsUpperCaseWithoutPadding() {
        Lsn lsn = Lsn.valueOf("16/b374d848");
        assertThat(lsn.toString()).isEqualTo("16/B374D848");
        assertThat(Lsn.valueOf("00000016/0000000A").toString()).isEqualTo("16/A");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "16", "16/", "/B3", "1/2/3", "G/0", "0/-1", "+1/0", "123456789/0",
            "0/123456789", " 0/0", "0/0 ", "٣/0"})
    void rejectsAnythingElse(String text) {
        assertThatThrownBy(() -> Lsn.valueOf(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Lsn.valueOf((String) null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidIsZero() {
        assertThat(Lsn.INVALID_LSN.asLong()).isZero();
        assertThat(Lsn.INVALID_LSN.isValid()).isFalse();
        assertThat(Lsn.valueOf(0)).isSameAs(Lsn.INVALID_LSN);
        assertThat(Lsn.valueOf("0/0")).isSameAs(Lsn.INVALID_LSN);
        assertThat(Lsn.valueOf(1).isValid()).isTrue();
    }

    @Test
    void ordersAsUnsigned() {
        Lsn small = Lsn.valueOf("0/1");
        Lsn big = Lsn.valueOf("7FFFFFFF/FFFFFFFF");
        Lsn huge = Lsn.valueOf("80000000/0");
        Lsn max = Lsn.valueOf(-1L);
        List<Lsn> lsns = new ArrayList<>(List.of(max, small, huge, Lsn.INVALID_LSN, big));
        Collections.sort(lsns);
        assertThat(lsns).containsExactly(Lsn.INVALID_LSN, small, big, huge, max);
        assertThat(huge.isAfter(big)).isTrue();
        assertThat(big.isBefore(huge)).isTrue();
        assertThat(big.isAfter(big)).isFalse();
        assertThat(huge.compareTo(Lsn.valueOf("80000000/0"))).isZero();
    }

    @Test
    void unsignedDecimalForStreamIds() {
        assertThat(Lsn.valueOf("16/B374D848").toUnsignedString()).isEqualTo("97500059720");
        assertThat(Lsn.valueOf(-1L).toUnsignedString()).isEqualTo("18446744073709551615");
    }

    @Test
    void equalityAndHash() {
        assertThat(Lsn.valueOf("1/2")).isEqualTo(Lsn.valueOf(0x1_0000_0002L))
                .hasSameHashCodeAs(Lsn.valueOf(0x1_0000_0002L))
                .isNotEqualTo(Lsn.valueOf(0x1_0000_0003L))
                .isNotEqualTo("1/2");
    }
}
