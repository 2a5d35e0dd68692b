package io.pgrealtime.protocol.filter;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static io.pgrealtime.protocol.filter.FilterError.INVALID_VALUE;
import static io.pgrealtime.protocol.filter.Fixtures.errors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 10: {@code %aaaa…b} against a long run of {@code a} was O(pattern × text) and stalled a
 * node. The matcher is now linear in the text; this checks the growth, never a wall-clock bound
 * (the machine may be shared and slow).
 */
class LikePatternLinearityTest {
    private static final int[] SIZES = {10 * 1024, 100 * 1024, 1024 * 1024};
    /** Growth from 100 KiB to 1 MiB that is still linear with room for noise (10 expected). */
    private static final double MAX_RATIO = 30;

    /**
     * The shape of issue 10 at the largest length allowed (256 code points). Its last segment is
     * anchored at the end of the text, so it is now checked there alone.
     */
    @Test
    void issueShapeWithinTheLimitDoesNotGrowWithTheText() {
        measure("%" + "a".repeat(FilterParser.MAX_LIKE_PATTERN_LENGTH - 2) + "b", "'%' + 'a' x 254 + 'b'");
    }

    /**
     * The same run not anchored: the segment is searched through the whole text, with the four-word
     * shift-and state (255 positions). The old matcher took O(255 × text) here.
     */
    @Test
    void unanchoredLongSegmentGrowsLinearlyWithTheText() {
        measure("%" + "a".repeat(FilterParser.MAX_LIKE_PATTERN_LENGTH - 3) + "b%", "'%' + 'a' x 253 + 'b%'");
    }

    private static void measure(String pattern, String label) {
        assertThat(LikePattern.problem(pattern)).isNull();
        assertThat(pattern.codePointCount(0, pattern.length())).isEqualTo(FilterParser.MAX_LIKE_PATTERN_LENGTH);
        for (boolean ci : new boolean[]{false, true}) {
            LikePattern p = LikePattern.compile(pattern, ci);
            String[] texts = new String[SIZES.length];
            for (int s = 0; s < SIZES.length; s++) {
                texts[s] = "a".repeat(SIZES[s]);
                assertThat(p.matches(texts[s])).isFalse();
                assertThat(p.matches(texts[s] + "b")).isTrue();
            }
            // Warm-up, so that every size is timed with compiled code.
            for (int w = 0; w < 30; w++) {
                p.matches(texts[w % 2]);
            }
            p.matches(texts[2]);

            // A busy machine can slow one size more than another; a quadratic matcher fails every
            // attempt (ratio about 100), so a second or third attempt only absorbs noise.
            double ratio = Double.MAX_VALUE;
            for (int attempt = 1; attempt <= 3 && ratio >= MAX_RATIO; attempt++) {
                long[] median = medianNanosPerEvaluation(p, texts);
                ratio = (double) median[2] / median[1];
                System.out.printf(Locale.ROOT, "%s %s: median ns/evaluation 10 KiB %,d  100 KiB %,d  1 MiB %,d"
                                + "  (ns/char %.2f %.2f %.2f; ratio 1 MiB / 100 KiB %.1f)%n",
                        ci ? "ilike" : "like", label, median[0], median[1], median[2],
                        (double) median[0] / SIZES[0], (double) median[1] / SIZES[1], (double) median[2] / SIZES[2],
                        ratio);
            }
            // Linear: about 10 (or 1 where the text is not scanned); quadratic would be about 100.
            assertThat(ratio).as("time(1 MiB) / time(100 KiB)").isLessThan(MAX_RATIO);
        }
    }

    /** Median over rounds; rounds interleave the sizes so that noise hits all of them alike. */
    private static long[] medianNanosPerEvaluation(LikePattern p, String[] texts) {
        int rounds = 9;
        long[][] nanosPerEval = new long[SIZES.length][rounds];
        boolean sink = false;
        for (int r = 0; r < rounds; r++) {
            for (int s = 0; s < SIZES.length; s++) {
                int evaluations = Math.max(3, SIZES[2] / SIZES[s]);
                long start = System.nanoTime();
                for (int e = 0; e < evaluations; e++) {
                    sink ^= p.matches(texts[s]);
                }
                nanosPerEval[s][r] = (System.nanoTime() - start) / evaluations;
            }
        }
        assertThat(sink).isFalse();
        long[] median = new long[SIZES.length];
        for (int s = 0; s < SIZES.length; s++) {
            long[] sorted = nanosPerEval[s].clone();
            Arrays.sort(sorted);
            median[s] = sorted[rounds / 2];
        }
        return median;
    }

    @Test
    void matchingAllocatesNothing() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        String longSegment = "%" + "a_".repeat(60) + "b%";                  // 121 positions: two words of state
        LikePattern[] patterns = {
                LikePattern.compile("%phone%", false), LikePattern.compile("%PHONE%", true),
                LikePattern.compile("ab%c_d%\\%e", false), LikePattern.compile("Ab%c_D%\\%e", true),
                LikePattern.compile(longSegment, false), LikePattern.compile(longSegment, true),
        };
        String text = "ab" + "xa".repeat(200) + "smartphone cxd " + "a1".repeat(61) + "b \uD83D\uDE00 %e";

        long thread = Thread.currentThread().getId();
        int sink = 0;
        for (int i = 0; i < 5_000; i++) {
            for (LikePattern p : patterns) {
                sink += p.matches(text) ? 1 : 0;
            }
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 20_000; i++) {
            for (LikePattern p : patterns) {
                sink += p.matches(text) ? 1 : 0;
            }
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(sink).isEqualTo(25_000 * patterns.length);
        // 120,000 evaluations; anything per call would be megabytes.
        assertThat(allocated).isLessThan(64 * 1024);
    }

    @Test
    void theOriginalWorstCaseIsRefusedBeforeItCanBeMatched() {
        String issue10 = "%" + "a".repeat(50_000) + "b";
        List<FilterError> parsed = errors(() -> FilterParser.parse("{\"body\":{\"like\":\"" + issue10 + "\"}}"));
        assertThat(parsed).extracting(FilterError::field, FilterError::code).containsExactly(tuple("body.like", INVALID_VALUE));
        assertThat(parsed.get(0).message()).contains("at most 256 characters").contains("50002");

        String justOver = "%" + "a".repeat(FilterParser.MAX_LIKE_PATTERN_LENGTH - 1) + "b";
        assertThat(errors(() -> FilterParser.parse("{\"body\":{\"ilike\":\"" + justOver + "\"}}")))
                .extracting(FilterError::field, FilterError::code).containsExactly(tuple("body.ilike", INVALID_VALUE));
        // Built without the parser, the validator refuses it when compiled.
        assertThat(errors(() -> new Filter.Like("body", issue10, false).compile()))
                .extracting(FilterError::field, FilterError::code).containsExactly(tuple("body.like", INVALID_VALUE));
        assertThatThrownBy(() -> LikePattern.compile(issue10, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 256");
    }
}
