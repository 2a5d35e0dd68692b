package io.pgrealtime.protocol.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A compiled SQL {@code LIKE} pattern: {@code %} matches any run of characters (also none),
 * {@code _} exactly one character (code point), backslash makes the next character literal.
 * {@code ILIKE} folds case of both sides per code point.
 *
 * <p>Matching runs in time linear in the text: O(text × ⌈segment/64⌉ × log distinct) for the
 * longest {@code %}-free segment of the pattern, and allocates nothing. The pattern is cut at its
 * {@code %}s into segments of fixed length (in code points). The first segment must match at the
 * start of the text unless the pattern starts with {@code %}, the last at the end unless it ends
 * with {@code %}; every segment in between is found left to right at its leftmost occurrence after
 * the previous one. Taking the leftmost occurrence is always right: it leaves the most text for
 * the segments after it, so no backtracking is needed. Occurrences are found with shift-and
 * (bitap) over code points, which handles {@code _} as a position every character matches; for
 * {@code LIKE}, while no partial occurrence is pending, the search skips with
 * {@link String#indexOf(int, int)} to the next character that can start one.
 *
 * <p>Why not the classic greedy matcher with backtracking to the last {@code %}: it is
 * O(pattern × text), and {@code %aaaa…b} with a long run of {@code a} against a long text of
 * {@code a} stalled a gateway node for seconds per row (issue 10).
 *
 * <p>A pattern has at most {@link FilterParser#MAX_LIKE_PATTERN_LENGTH} code points (see
 * {@link #problem(String)}), so a segment has at most 256 and its shift-and state fits four
 * {@code long}s held in locals. Immutable, thread-safe.
 */
final class LikePattern {
    private static final int ANY_RUN = -1;
    private static final int ANY_ONE = -2;
    /**
     * Longest segment the four-word shift-and state holds; {@link FilterParser#MAX_LIKE_PATTERN_LENGTH}
     * must not exceed it.
     */
    private static final int MAX_SEGMENT = 4 * Long.SIZE;

    private final boolean caseInsensitive;
    /** Whether the pattern has a {@code %}; if not, {@link #segments} has at most one element. */
    private final boolean anyRun;
    /** The first segment is anchored at the start of the text. */
    private final boolean anchoredStart;
    /** The last segment is anchored at the end of the text. */
    private final boolean anchoredEnd;
    private final Segment[] segments;

    private LikePattern(boolean caseInsensitive, boolean anyRun, boolean anchoredStart, boolean anchoredEnd,
                        Segment[] segments) {
        this.caseInsensitive = caseInsensitive;
        this.anyRun = anyRun;
        this.anchoredStart = anchoredStart;
        this.anchoredEnd = anchoredEnd;
        this.segments = segments;
    }

    /** Null if the pattern is well-formed and within the length limit, else what is wrong with it. */
    static String problem(String pattern) {
        int length = pattern.codePointCount(0, pattern.length());
        if (length > FilterParser.MAX_LIKE_PATTERN_LENGTH) {
            return "a like pattern may have at most " + FilterParser.MAX_LIKE_PATTERN_LENGTH
                    + " characters; this one has " + length;
        }
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
        List<Segment> segments = new ArrayList<>();
        int[] run = new int[pattern.length()];
        int n = 0;
        boolean anyRun = false;
        boolean startsWithAnyRun = false;
        boolean endsWithAnyRun = false;
        int i = 0;
        while (i < pattern.length()) {
            int cp = pattern.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '%') {
                if (n > 0) {
                    segments.add(new Segment(Arrays.copyOf(run, n), caseInsensitive));
                    n = 0;
                } else if (segments.isEmpty()) {
                    startsWithAnyRun = true;
                }
                anyRun = true;
                endsWithAnyRun = true;
                continue;
            }
            endsWithAnyRun = false;
            if (cp == '_') {
                run[n++] = ANY_ONE;
            } else {
                if (cp == '\\') {
                    cp = pattern.codePointAt(i);
                    i += Character.charCount(cp);
                }
                run[n++] = caseInsensitive ? fold(cp) : cp;
            }
        }
        if (n > 0) {
            segments.add(new Segment(Arrays.copyOf(run, n), caseInsensitive));
        }
        return new LikePattern(caseInsensitive, anyRun, !startsWithAnyRun, !endsWithAnyRun,
                segments.toArray(new Segment[0]));
    }

    /** Whether the whole text matches. */
    boolean matches(String text) {
        Segment[] s = segments;
        if (!anyRun) {
            return s.length == 0 ? text.isEmpty() : s[0].matchAt(text, 0, caseInsensitive) == text.length();
        }
        int first = 0;
        int last = s.length;
        int from = 0;
        int limit = text.length();
        if (anchoredStart) {
            from = s[first++].matchAt(text, 0, caseInsensitive);
            if (from < 0) {
                return false;
            }
        }
        if (anchoredEnd) {
            Segment tail = s[--last];
            limit = back(text, text.length(), tail.length());
            // A % separates the two anchored segments, so they must not overlap.
            if (limit < from || tail.matchAt(text, limit, caseInsensitive) < 0) {
                return false;
            }
        }
        for (int k = first; k < last; k++) {
            from = s[k].find(text, from, limit, caseInsensitive);
            if (from < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The index {@code count} code points before {@code end}, or -1 if the text is shorter. Walking
     * back pairs surrogates exactly as {@link String#codePointAt} does walking forward (a high
     * surrogate followed by a low one), so the index is a boundary of the forward walk too.
     */
    private static int back(String text, int end, int count) {
        int i = end;
        for (int k = 0; k < count; k++) {
            if (i <= 0) {
                return -1;
            }
            i -= Character.charCount(text.codePointBefore(i));
        }
        return i;
    }

    private static boolean isSurrogate(int cp) {
        return cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE;
    }

    private static int fold(int cp) {
        if (cp < 0x80) {
            // The same as below for ASCII, without two table lookups per character of the text.
            return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
        }
        return Character.toLowerCase(Character.toUpperCase(cp));
    }

    /**
     * A run of pattern tokens between {@code %}s: code points (folded for ILIKE) and {@code _}. For
     * shift-and, bit {@code j} of a character's mask is set when token {@code j} accepts that
     * character: the masks of the segment's distinct code points, and one more, for every other
     * character, with only the {@code _} positions set.
     */
    private static final class Segment {
        private final int[] tokens;
        /** The segment's distinct literal code points, sorted; index into {@link #masks}. */
        private final int[] keys;
        /**
         * Per key, then for any other code point: the mask, one word when the segment has at most
         * 64 tokens, else four (the unused ones zero).
         */
        private final long[] masks;
        private final int words;
        /** Which ASCII code points are keys (bit per code point, 0-63 and 64-127). */
        private final long ascii0;
        private final long ascii1;
        /**
         * The first token, when an occurrence can only start where {@link String#indexOf(int, int)}
         * finds it (a literal of LIKE that is not a lone surrogate), else -1.
         */
        private final int skipTo;
        /** The state bit that says the whole segment has matched, by word. */
        private final long hit0;
        private final long hit1;
        private final long hit2;
        private final long hit3;

        Segment(int[] tokens, boolean caseInsensitive) {
            if (tokens.length > MAX_SEGMENT) {
                throw new IllegalArgumentException("a like segment may have at most " + MAX_SEGMENT + " characters");
            }
            this.tokens = tokens;
            this.keys = Arrays.stream(tokens).filter(t -> t >= 0).sorted().distinct().toArray();
            this.words = (tokens.length + Long.SIZE - 1) / Long.SIZE;
            int stride = words == 1 ? 1 : 4;
            this.masks = new long[(keys.length + 1) * stride];
            for (int j = 0; j < tokens.length; j++) {
                long bit = 1L << (j % Long.SIZE);
                int word = j / Long.SIZE;
                if (tokens[j] == ANY_ONE) {
                    for (int k = 0; k <= keys.length; k++) {
                        masks[k * stride + word] |= bit;
                    }
                } else {
                    masks[Arrays.binarySearch(keys, tokens[j]) * stride + word] |= bit;
                }
            }
            long a0 = 0;
            long a1 = 0;
            for (int key : keys) {
                if (key < 64) {
                    a0 |= 1L << key;
                } else if (key < 128) {
                    a1 |= 1L << (key - 64);
                }
            }
            ascii0 = a0;
            ascii1 = a1;
            // ILIKE could only skip to a character whose case variants are all known; it does not.
            skipTo = !caseInsensitive && tokens[0] >= 0 && !isSurrogate(tokens[0]) ? tokens[0] : -1;
            int lastWord = (tokens.length - 1) / Long.SIZE;
            long lastBit = 1L << ((tokens.length - 1) % Long.SIZE);
            hit0 = lastWord == 0 ? lastBit : 0;
            hit1 = lastWord == 1 ? lastBit : 0;
            hit2 = lastWord == 2 ? lastBit : 0;
            hit3 = lastWord == 3 ? lastBit : 0;
        }

        int length() {
            return tokens.length;
        }

        /** The end of this segment matched at {@code start}, or -1. */
        int matchAt(String text, int start, boolean caseInsensitive) {
            int i = start;
            for (int t : tokens) {
                if (i >= text.length()) {
                    return -1;
                }
                int cp = text.codePointAt(i);
                i += Character.charCount(cp);
                if (t != ANY_ONE && t != (caseInsensitive ? fold(cp) : cp)) {
                    return -1;
                }
            }
            return i;
        }

        /**
         * The end of the leftmost occurrence of this segment in {@code text[from, limit)}, or -1.
         * Segments have a fixed length, so the occurrence that ends first also starts first.
         */
        int find(String text, int from, int limit, boolean caseInsensitive) {
            return words == 1 ? find1(text, from, limit, caseInsensitive) : find4(text, from, limit, caseInsensitive);
        }

        private int find1(String text, int from, int limit, boolean caseInsensitive) {
            long[] m = masks;
            long hit = hit0;
            long d = 0;
            int i = from;
            while (i < limit) {
                if (d == 0 && skipTo >= 0) {
                    i = text.indexOf(skipTo, i);
                    if (i < 0 || i >= limit) {
                        return -1;
                    }
                }
                int cp = text.charAt(i);
                if (Character.isHighSurrogate((char) cp)) {
                    cp = text.codePointAt(i);
                }
                i += Character.charCount(cp);
                d = ((d << 1) | 1L) & m[key(caseInsensitive ? fold(cp) : cp)];
                if ((d & hit) != 0) {
                    return i;
                }
            }
            return -1;
        }

        private int find4(String text, int from, int limit, boolean caseInsensitive) {
            long[] m = masks;
            long d0 = 0;
            long d1 = 0;
            long d2 = 0;
            long d3 = 0;
            int i = from;
            while (i < limit) {
                if ((d0 | d1 | d2 | d3) == 0 && skipTo >= 0) {
                    i = text.indexOf(skipTo, i);
                    if (i < 0 || i >= limit) {
                        return -1;
                    }
                }
                int cp = text.charAt(i);
                if (Character.isHighSurrogate((char) cp)) {
                    cp = text.codePointAt(i);
                }
                i += Character.charCount(cp);
                int at = key(caseInsensitive ? fold(cp) : cp) * 4;
                d3 = ((d3 << 1) | (d2 >>> 63)) & m[at + 3];
                d2 = ((d2 << 1) | (d1 >>> 63)) & m[at + 2];
                d1 = ((d1 << 1) | (d0 >>> 63)) & m[at + 1];
                d0 = ((d0 << 1) | 1L) & m[at];
                if (((d0 & hit0) | (d1 & hit1) | (d2 & hit2) | (d3 & hit3)) != 0) {
                    return i;
                }
            }
            return -1;
        }

        /** The mask index of a code point: its key's, or the last one (only {@code _} accepts it). */
        private int key(int cp) {
            if (cp < 128 && ((cp < 64 ? ascii0 >>> cp : ascii1 >>> (cp - 64)) & 1L) == 0) {
                return keys.length;
            }
            int k = Arrays.binarySearch(keys, cp);
            return k >= 0 ? k : keys.length;
        }
    }
}
