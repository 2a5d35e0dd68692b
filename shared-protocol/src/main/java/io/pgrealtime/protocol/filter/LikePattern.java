package io.pgrealtime.protocol.filter;

import java.util.Arrays;

/**
 * A compiled SQL {@code LIKE} pattern: {@code %} matches any run of characters (also none),
 * {@code _} exactly one character (code point), backslash makes the next character literal.
 * {@code ILIKE} folds case of both sides per code point.
 *
 * <p>Matching allocates nothing and runs in O(pattern × text) at worst (greedy with backtracking
 * to the last {@code %} only, which is enough for these two wildcards). Immutable, thread-safe.
 */
final class LikePattern {
    private static final int ANY_RUN = -1;
    private static final int ANY_ONE = -2;

    private final int[] tokens;
    private final boolean caseInsensitive;

    private LikePattern(int[] tokens, boolean caseInsensitive) {
        this.tokens = tokens;
        this.caseInsensitive = caseInsensitive;
    }

    /** Null if the pattern is well-formed, else what is wrong with it. */
    static String problem(String pattern) {
        int i = 0;
        while (i < pattern.length()) {
            int cp = pattern.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\\') {
                if (i >= pattern.length()) {
                    return "a like pattern must not end with the escape character \\";
                }
                i += Character.charCount(pattern.codePointAt(i));
            }
        }
        return null;
    }

    /** @throws IllegalArgumentException if {@link #problem(String)} finds one */
    static LikePattern compile(String pattern, boolean caseInsensitive) {
        String problem = problem(pattern);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        int[] out = new int[pattern.length()];
        int n = 0;
        int i = 0;
        while (i < pattern.length()) {
            int cp = pattern.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '%') {
                if (n == 0 || out[n - 1] != ANY_RUN) {
                    out[n++] = ANY_RUN;
                }
            } else if (cp == '_') {
                out[n++] = ANY_ONE;
            } else {
                if (cp == '\\') {
                    cp = pattern.codePointAt(i);
                    i += Character.charCount(cp);
                }
                out[n++] = caseInsensitive ? fold(cp) : cp;
            }
        }
        return new LikePattern(Arrays.copyOf(out, n), caseInsensitive);
    }

    /** Whether the whole text matches. */
    boolean matches(String text) {
        int[] t = tokens;
        int ti = 0;
        int si = 0;
        int starToken = -1;
        int starText = 0;
        while (si < text.length()) {
            if (ti < t.length && t[ti] == ANY_RUN) {
                starToken = ti++;
                starText = si;
                continue;
            }
            if (ti < t.length) {
                int cp = text.codePointAt(si);
                if (t[ti] == ANY_ONE || t[ti] == (caseInsensitive ? fold(cp) : cp)) {
                    si += Character.charCount(cp);
                    ti++;
                    continue;
                }
            }
            if (starToken < 0) {
                return false;
            }
            // Let the last % swallow one more character and retry from there.
            ti = starToken + 1;
            starText += Character.charCount(text.codePointAt(starText));
            si = starText;
        }
        while (ti < t.length && t[ti] == ANY_RUN) {
            ti++;
        }
        return ti == t.length;
    }

    private static int fold(int cp) {
        return Character.toLowerCase(Character.toUpperCase(cp));
    }
}
