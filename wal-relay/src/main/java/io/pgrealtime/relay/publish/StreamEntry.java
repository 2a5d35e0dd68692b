package io.pgrealtime.relay.publish;

/**
 * One XADD: a stream key, an explicit entry ID derived from the WAL, and the JSON body stored in
 * the entry's single field {@value #FIELD}.
 */
public record StreamEntry(String key, String id, String json) {
    /** Name of the one field of every entry the relay writes. */
    public static final String FIELD = "e";
}
