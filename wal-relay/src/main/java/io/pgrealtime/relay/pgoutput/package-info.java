/**
 * Decoding of PostgreSQL's {@code pgoutput} logical replication plugin, protocol version 1, and
 * conversion of its text tuple format to JSON.
 *
 * <ul>
 *   <li>{@link io.pgrealtime.relay.pgoutput.PgOutputDecoder}: bytes of one {@code XLogData}
 *       payload to one {@link io.pgrealtime.relay.pgoutput.PgOutputMessage}. Code above the
 *       decoder never sees bytes.</li>
 *   <li>{@link io.pgrealtime.relay.pgoutput.RelationCache}: relation (and type) descriptions by
 *       OID, as the stream announces and re-announces them.</li>
 *   <li>{@link io.pgrealtime.relay.pgoutput.PgValueConverter} with a
 *       {@link io.pgrealtime.relay.pgoutput.TypeResolver} chain: one column value, text form to
 *       JSON, by its type.</li>
 *   <li>{@link io.pgrealtime.relay.pgoutput.RowDecoder}: a whole tuple to an ordered JSON object,
 *       plus the unchanged-TOAST columns.</li>
 * </ul>
 *
 * Nothing here does I/O; all of it is tested on hand-built bytes.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html">Logical
 *      Replication Message Formats</a>
 */
package io.pgrealtime.relay.pgoutput;
