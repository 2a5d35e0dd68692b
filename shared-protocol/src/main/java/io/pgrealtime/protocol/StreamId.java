package io.pgrealtime.protocol;

/**
 * A Redis stream entry ID derived from a WAL position: {@code <commit LSN as unsigned 64-bit
 * decimal>-<index of the change within its transaction>}.
 *
 * <p>Why derived from the WAL: IDs only grow with commit order, so when the relay replays a
 * transaction after a crash, Redis refuses each XADD whose ID is not above the stream's top and
 * the replay cannot duplicate anything.
 *
 * @param lsn commit LSN (treated as unsigned)
 * @param seq index within the transaction, from 0
 */
public record StreamId(long lsn, long seq) implements Comparable<StreamId> {

    /** Parses {@code "123-4"}; throws {@link IllegalArgumentException} on anything else. */
    public static StreamId parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("stream id is null");
        }
        int dash = text.indexOf('-');
        if (dash <= 0 || dash == text.length() - 1) {
            throw new IllegalArgumentException("not a stream id: " + text);
        }
        try {
            return new StreamId(Long.parseUnsignedLong(text.substring(0, dash)),
                    Long.parseUnsignedLong(text.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a stream id: " + text, e);
        }
    }

    @Override
    public int compareTo(StreamId o) {
        int c = Long.compareUnsigned(lsn, o.lsn);
        return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(lsn) + "-" + Long.toUnsignedString(seq);
    }
}
