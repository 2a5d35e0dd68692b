package io.pgrealtime.protocol.filter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LikePatternTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "abc|abc|true",
            "abc|abd|false",
            "a%|a|true",
            "%|''|true",
            "''|''|true",
            "''|a|false",
            "%%%|abc|true",
            "a%c|abbbbc|true",
            "a%c|abbbbd|false",
            "a_c|abc|true",
            "a_c|ac|false",
            "__|ab|true",
            "__|abc|false",
            "%b%b%|abab|true",
            "%aab|aaaab|true",
            "%a_b|xxaxb|true",
            "a\\%b|a%b|true",
            "a\\%b|axb|false",
            "a\\_b|a_b|true",
            "a\\\\b|a\\b|true",
            "a\\xb|axb|true",
            "_|\uD83D\uDE00|true",
            "__|\uD83D\uDE00|false",
            "%\uD83D\uDE00|x\uD83D\uDE00|true",
    })
    void matchesLikePostgres(String pattern, String text, boolean expected) {
        assertThat(LikePattern.compile(pattern, false).matches(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ABC|abc|true",
            "abc|ABC|true",
            "straße|STRASSE|false",
            "%É%|café|true",
            "i|I|true",
            "a_C|Abc|true",
    })
    void ilikeFoldsCase(String pattern, String text, boolean expected) {
        assertThat(LikePattern.compile(pattern, true).matches(text)).isEqualTo(expected);
    }

    @Test
    void trailingEscapeIsMalformed() {
        assertThat(LikePattern.problem("abc\\")).contains("escape");
        assertThat(LikePattern.problem("abc\\\\")).isNull();
        assertThatThrownBy(() -> LikePattern.compile("\\", false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pathologicalPatternsStayPolynomial() {
        String text = "a".repeat(5000);
        LikePattern p = LikePattern.compile("%a%a%a%a%a%a%a%a%a%b", false);
        long start = System.nanoTime();
        assertThat(p.matches(text)).isFalse();
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }
}
