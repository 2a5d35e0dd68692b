package io.pgrealtime.relay.replication;

/**
 * A setup problem the operator must fix (wal_level, privileges, a slot held by another process).
 * The message says what to change; the relay logs it once per attempt and retries with backoff
 * rather than crash-looping.
 */
public class RelaySetupException extends RuntimeException {
    private final ReplicationStep step;

    public RelaySetupException(ReplicationStep step, String message) {
        super(message);
        this.step = step;
    }

    public RelaySetupException(ReplicationStep step, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
    }

    public ReplicationStep step() {
        return step;
    }
}
