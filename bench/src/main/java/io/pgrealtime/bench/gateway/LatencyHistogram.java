package io.pgrealtime.bench.gateway;

/**
 * A fixed-size log-linear histogram of latencies in microseconds: exact below 1,024 µs, then 64
 * sub-buckets per power of two (relative error under 1.6 %), up to about 2<sup>40</sup> µs.
 * Recording is one array increment and allocates nothing.
 *
 * <p>Not thread-safe: one instance per recording thread, {@link #add merged} afterwards.
 */
final class LatencyHistogram {
    private static final int LINEAR = 1024;
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_EXP = 40;
    private static final int SIZE = LINEAR + (MAX_EXP - 10) * SUB;

    private final long[] counts = new long[SIZE];
    private long total;
    private long max;
    private long negative;

    /** Records one latency; negative values (clock skew) are counted apart and as 0. */
    void record(long micros) {
        if (micros < 0) {
            negative++;
            micros = 0;
        }
        counts[index(micros)]++;
        total++;
        if (micros > max) {
            max = micros;
        }
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v);
        if (exp >= MAX_EXP) {
            return SIZE - 1;
        }
        int sub = (int) (v >>> (exp - SUB_BITS)) & (SUB - 1);
        return LINEAR + (exp - 10) * SUB + sub;
    }

    /** The lowest value of a bucket's range (the value reported for it). */
    static long lowest(int index) {
        if (index < LINEAR) {
            return index;
        }
        int exp = (index - LINEAR) / SUB + 10;
        int sub = (index - LINEAR) % SUB;
        return (1L << exp) + ((long) sub << (exp - SUB_BITS));
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < SIZE; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
        negative += other.negative;
    }

    void clear() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
        negative = 0;
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    long negative() {
        return negative;
    }

    /** The value at quantile {@code q} (0..1) in µs, or -1 when empty. */
    long quantile(double q) {
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < SIZE; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(lowest(i), max);
            }
        }
        return max;
    }
}
