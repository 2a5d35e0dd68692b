package io.pgrealtime.protocol.filter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The linear matcher agrees with two simple references on random patterns and texts: a dynamic
 * programming matcher over code points, and a translation to {@link java.util.regex} (whose
 * {@code .} also takes a surrogate pair as one character). Case folding for ILIKE is the one the
 * filter language defines: per code point, {@code toLowerCase(toUpperCase(cp))}.
 */
class LikePatternDifferentialTest {
    private static final String EMOJI = "\uD83D\uDE00";
    /** Pattern alphabet: wildcards, the escape, a surrogate pair, and case pairs (a/A, é/É). */
    private static final String[] PATTERN_ALPHABET = {"a", "b", "A", "\u00E9", "\u00C9", EMOJI, "%", "_", "\\"};
    private static final String[] TEXT_ALPHABET = {"a", "b", "A", "\u00E9", "\u00C9", EMOJI, "%", "_", "\\"};

    private static final int ANY_RUN = -1;
    private static final int ANY_ONE = -2;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void shortPatternsAndTexts(long seed) {
        Random random = new Random(seed);
        List<String> mismatches = new ArrayList<>();
        for (int n = 0; n < 10_000; n++) {
            String pattern = random(random, PATTERN_ALPHABET, random.nextInt(13));
            String text = random.nextInt(4) == 0 ? instance(random, pattern, random.nextBoolean())
                    : random(random, TEXT_ALPHABET, random.nextInt(21));
            compare(pattern, text, mismatches);
        }
        assertThat(mismatches).isEmpty();
    }

    /** Segments longer than 64 characters use the multi-word shift-and state. */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void longSegments(long seed) {
        Random random = new Random(seed);
        String[] segmentAlphabet = {"a", "a", "a", "b", "_", "A", EMOJI};
        List<String> mismatches = new ArrayList<>();
        for (int n = 0; n < 600; n++) {
            StringBuilder p = new StringBuilder();
            int segments = 1 + random.nextInt(3);
            for (int s = 0; s < segments; s++) {
                if (s > 0 || random.nextBoolean()) {
                    p.append('%');
                }
                p.append(random(random, segmentAlphabet, 1 + random.nextInt(Math.min(200, FilterParser.MAX_LIKE_PATTERN_LENGTH / segments - 2))));
            }
            if (random.nextBoolean()) {
                p.append('%');
            }
            String pattern = p.toString();
            String text = random.nextBoolean() ? instance(random, pattern, random.nextInt(4) == 0)
                    : random(random, new String[]{"a", "a", "a", "a", "b", "A", EMOJI}, random.nextInt(600));
            compare(pattern, text, mismatches);
            compare(pattern, text.replace('b', 'a'), mismatches);
        }
        assertThat(mismatches).isEmpty();
    }

    /** Outcomes seen, [like, ilike][no match, match], so that a test cannot pass on one answer only. */
    private final int[][] outcomes = new int[2][2];

    @AfterEach
    void bothOutcomesWereCompared() {
        assertThat(Arrays.stream(outcomes).flatMapToInt(Arrays::stream).min().orElseThrow())
                .as("fewest cases of one outcome (like/ilike × no match/match)").isGreaterThan(50);
    }

    private void compare(String pattern, String text, List<String> mismatches) {
        if (LikePattern.problem(pattern) != null) {
            assertThatThrownBy(() -> LikePattern.compile(pattern, false)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        for (boolean ci : new boolean[]{false, true}) {
            boolean actual = LikePattern.compile(pattern, ci).matches(text);
            outcomes[ci ? 1 : 0][actual ? 1 : 0]++;
            boolean dp = dp(pattern, text, ci);
            boolean regex = regex(pattern, ci).matcher(ci ? fold(text) : text).matches();
            if (actual != dp || dp != regex) {
                mismatches.add((ci ? "ilike " : "like ") + escape(pattern) + " on " + escape(text)
                        + ": matcher " + actual + ", dp " + dp + ", regex " + regex);
            }
        }
    }

    /**
     * A text that the pattern matches, more or less: wildcards replaced by random characters, at
     * times a character before or after, and with {@code caseChanges} some literals upper-cased.
     */
    private static String instance(Random random, String pattern, boolean caseChanges) {
        StringBuilder out = new StringBuilder(random(random, TEXT_ALPHABET, random.nextInt(4) / 3));
        int i = 0;
        while (i < pattern.length()) {
            int cp = pattern.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '%') {
                out.append(random(random, TEXT_ALPHABET, random.nextInt(4)));
            } else if (cp == '_') {
                out.append(random(random, TEXT_ALPHABET, 1));
            } else {
                if (cp == '\\' && i < pattern.length()) {
                    cp = pattern.codePointAt(i);
                    i += Character.charCount(cp);
                }
                out.appendCodePoint(caseChanges && random.nextInt(8) == 0 ? Character.toUpperCase(cp) : cp);
            }
        }
        return out.append(random(random, TEXT_ALPHABET, random.nextInt(4) / 3)).toString();
    }

    private static String random(Random random, String[] alphabet, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return b.toString();
    }

    /** The pattern as tokens: code points (folded when ci), ANY_RUN, ANY_ONE. */
    private static int[] tokens(String pattern, boolean ci) {
        List<Integer> out = new ArrayList<>();
        int i = 0;
        while (i < pattern.length()) {
            int cp = pattern.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '%') {
                out.add(ANY_RUN);
            } else if (cp == '_') {
                out.add(ANY_ONE);
            } else {
                if (cp == '\\') {
                    cp = pattern.codePointAt(i);
                    i += Character.charCount(cp);
                }
                out.add(ci ? fold(cp) : cp);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Textbook O(pattern × text) dynamic programming over code points. */
    private static boolean dp(String pattern, String text, boolean ci) {
        int[] p = tokens(pattern, ci);
        int[] t = (ci ? fold(text) : text).codePoints().toArray();
        boolean[][] m = new boolean[p.length + 1][t.length + 1];
        m[0][0] = true;
        for (int i = 1; i <= p.length; i++) {
            m[i][0] = m[i - 1][0] && p[i - 1] == ANY_RUN;
            for (int j = 1; j <= t.length; j++) {
                int tok = p[i - 1];
                m[i][j] = tok == ANY_RUN ? m[i - 1][j] || m[i][j - 1]
                        : m[i - 1][j - 1] && (tok == ANY_ONE || tok == t[j - 1]);
            }
        }
        return m[p.length][t.length];
    }

    private static Pattern regex(String pattern, boolean ci) {
        StringBuilder r = new StringBuilder();
        for (int tok : tokens(pattern, ci)) {
            r.append(tok == ANY_RUN ? ".*" : tok == ANY_ONE ? "." : Pattern.quote(new String(Character.toChars(tok))));
        }
        return Pattern.compile(r.toString(), Pattern.DOTALL);
    }

    private static String fold(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> b.appendCodePoint(fold(cp)));
        return b.toString();
    }

    private static int fold(int cp) {
        return Character.toLowerCase(Character.toUpperCase(cp));
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> b.append(cp < 0x80 ? Character.toString(cp) : String.format("\\u{%X}", cp)));
        return b.append('"').toString();
    }
}
