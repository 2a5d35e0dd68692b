package io.pgrealtime.relay.publish;

import java.util.List;

/**
 * What the relay publishes for one committed transaction, in WAL order: table change entries,
 * control entries (configuration changes, database broadcasts) and, if the configuration changed,
 * the new snapshot.
 *
 * @param commitLsn      commit LSN (the stream IDs' first part)
 * @param endLsn         LSN just past the commit record: what is confirmed to PostgreSQL once stored
 * @param commitMicros   commit time, epoch microseconds
 * @param entries        XADDs, in WAL order
 * @param configSnapshot new {@code rt:config} tables JSON, or null when the configuration did not change
 * @param changeCount    table change events among {@code entries} (for metrics)
 */
public record CommittedTransaction(long commitLsn, long endLsn, long commitMicros, List<StreamEntry> entries,
                                   String configSnapshot, int changeCount) {
}
