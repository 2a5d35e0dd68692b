package io.pgrealtime.relay.pgoutput;

import io.pgrealtime.relay.pgoutput.PgOutputMessage.Begin;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Commit;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Delete;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Insert;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Message;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Origin;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Relation;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Truncate;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Type;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Update;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one pgoutput protocol version 1 message (the payload of one {@code XLogData} copy
 * message) into a {@link PgOutputMessage}.
 *
 * <p>Contract:
 * <ul>
 *   <li>The buffer is read from its position to its limit and must hold exactly one message;
 *       its position and limit are not changed, and the result does not refer to it afterwards
 *       (the replication client may reuse it).</li>
 *   <li>Anything malformed (truncated, an unknown message type or tuple kind, a negative or
 *       oversized length, trailing bytes) throws {@link PgOutputException}; no
 *       {@code IndexOutOfBoundsException} or {@code BufferUnderflowException} escapes.</li>
 *   <li>Strings and text values are decoded as UTF-8: the JDBC driver opens the replication
 *       connection with {@code client_encoding=UTF8}, to which the server converts them.</li>
 *   <li>Stateless and thread-safe; relation tracking is {@link RelationCache}'s job.</li>
 * </ul>
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html">Logical
 *      Replication Message Formats</a>
 */
public final class PgOutputDecoder {

    /** Seconds from 1970-01-01 to PostgreSQL's epoch 2000-01-01 (UTC). */
    private static final long PG_EPOCH_OFFSET_SECONDS = 946_684_800L;
    private static final char NEW_TUPLE = 'N';
    private static final String PG_CATALOG = "pg_catalog";

    private PgOutputDecoder() {
    }

    /**
     * Decodes the message between the buffer's position and limit.
     *
     * @throws PgOutputException if the bytes are not one well-formed protocol v1 message
     */
    public static PgOutputMessage decode(ByteBuffer buffer) {
        PgOutputReader in = new PgOutputReader(buffer);
        if (in.remaining() == 0) {
            throw new PgOutputException("malformed pgoutput message: empty buffer");
        }
        MessageType type = MessageType.forType(in.readByteAsChar("message type"));
        in.context(type + " message");
        try {
            PgOutputMessage message = switch (type) {
                case BEGIN -> decodeBegin(in);
                case COMMIT -> decodeCommit(in);
                case ORIGIN -> decodeOrigin(in);
                case RELATION -> decodeRelation(in);
                case TYPE -> decodeType(in);
                case INSERT -> decodeInsert(in);
                case UPDATE -> decodeUpdate(in);
                case DELETE -> decodeDelete(in);
                case TRUNCATE -> decodeTruncate(in);
                case MESSAGE -> decodeMessage(in);
            };
            in.expectEnd();
            return message;
        } catch (PgOutputException e) {
            throw e;
        } catch (RuntimeException e) {
            // Backstop: the reader checks every bound, but a decoder bug must still surface as a
            // protocol error naming the message, not as a raw runtime exception from a buffer.
            throw new PgOutputException("malformed " + type + " message: " + e, e);
        }
    }

    /**
     * Converts a pgoutput timestamp (microseconds since 2000-01-01 00:00:00 UTC) to an {@link Instant}.
     */
    public static Instant toInstant(long pgMicros) {
        return Instant.ofEpochSecond(PG_EPOCH_OFFSET_SECONDS + Math.floorDiv(pgMicros, 1_000_000L),
                Math.floorMod(pgMicros, 1_000_000L) * 1_000L);
    }

    /** Begin: Int64 final LSN, Int64 commit timestamp, Int32 xid. */
    private static Begin decodeBegin(PgOutputReader in) {
        Lsn finalLsn = Lsn.valueOf(in.readInt64("final LSN"));
        Instant commitTime = toInstant(in.readInt64("commit timestamp"));
        long xid = Integer.toUnsignedLong(in.readInt32("xid"));
        return new Begin(finalLsn, commitTime, xid);
    }

    /** Commit: Int8 flags, Int64 commit LSN, Int64 end LSN, Int64 commit timestamp. */
    private static Commit decodeCommit(PgOutputReader in) {
        int flags = in.readUnsignedByte("flags");
        Lsn commitLsn = Lsn.valueOf(in.readInt64("commit LSN"));
        Lsn endLsn = Lsn.valueOf(in.readInt64("end LSN"));
        Instant commitTime = toInstant(in.readInt64("commit timestamp"));
        return new Commit(flags, commitLsn, endLsn, commitTime);
    }

    /** Origin: Int64 commit LSN on the origin, String name. */
    private static Origin decodeOrigin(PgOutputReader in) {
        Lsn commitLsn = Lsn.valueOf(in.readInt64("origin commit LSN"));
        return new Origin(commitLsn, in.readCString("origin name"));
    }

    /**
     * Relation: Int32 OID, String namespace, String name, Int8 replica identity, Int16 column
     * count, then per column Int8 flags (1 = key), String name, Int32 type OID, Int32 type modifier.
     */
    private static Relation decodeRelation(PgOutputReader in) {
        int oid = in.readInt32("relation OID");
        String namespace = namespace(in.readCString("namespace"));
        String name = in.readCString("relation name");
        char replicaIdentity = in.readByteAsChar("replica identity");
        int count = in.readUnsignedShort("column count");
        // Each column takes at least 10 bytes (flags, empty name's NUL, two Int32s).
        if ((long) count * 10 > in.remaining()) {
            throw in.error("truncated: " + count + " columns announced, " + in.remaining() + " byte(s) left");
        }
        List<Relation.Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int flags = in.readUnsignedByte("column flags");
            String columnName = in.readCString("column name");
            int typeOid = in.readInt32("column type OID");
            int typeModifier = in.readInt32("column type modifier");
            columns.add(new Relation.Column((flags & 1) != 0, columnName, typeOid, typeModifier));
        }
        return new Relation(oid, namespace, name, replicaIdentity, columns);
    }

    /** Type: Int32 OID, String namespace, String name. */
    private static Type decodeType(PgOutputReader in) {
        int oid = in.readInt32("type OID");
        String namespace = namespace(in.readCString("namespace"));
        return new Type(oid, namespace, in.readCString("type name"));
    }

    /** Insert: Int32 relation OID, Byte1 'N', TupleData. */
    private static Insert decodeInsert(PgOutputReader in) {
        int relationOid = in.readInt32("relation OID");
        char marker = in.readByteAsChar("tuple marker");
        if (marker != NEW_TUPLE) {
            throw in.error("expected new tuple marker 'N', got " + MessageType.describe(marker));
        }
        return new Insert(relationOid, decodeTuple(in));
    }

    /** Update: Int32 relation OID, optionally Byte1 'K' or 'O' and the old TupleData, Byte1 'N', TupleData. */
    private static Update decodeUpdate(PgOutputReader in) {
        int relationOid = in.readInt32("relation OID");
        char marker = in.readByteAsChar("tuple marker");
        char oldKind = PgOutputMessage.OLD_NONE;
        TupleData oldTuple = null;
        if (marker == PgOutputMessage.OLD_KEY || marker == PgOutputMessage.OLD_FULL) {
            oldKind = marker;
            oldTuple = decodeTuple(in);
            marker = in.readByteAsChar("new tuple marker");
        }
        if (marker != NEW_TUPLE) {
            throw in.error((oldTuple == null ? "expected tuple marker 'K', 'O' or 'N', got "
                    : "expected new tuple marker 'N' after the old tuple, got ") + MessageType.describe(marker));
        }
        return new Update(relationOid, oldKind, oldTuple, decodeTuple(in));
    }

    /** Delete: Int32 relation OID, Byte1 'K' or 'O', TupleData. */
    private static Delete decodeDelete(PgOutputReader in) {
        int relationOid = in.readInt32("relation OID");
        char marker = in.readByteAsChar("tuple marker");
        if (marker != PgOutputMessage.OLD_KEY && marker != PgOutputMessage.OLD_FULL) {
            throw in.error("expected old tuple marker 'K' or 'O', got " + MessageType.describe(marker));
        }
        return new Delete(relationOid, marker, decodeTuple(in));
    }

    /** Truncate: Int32 relation count, Int8 options (1 = CASCADE, 2 = RESTART IDENTITY), Int32 OIDs. */
    private static Truncate decodeTruncate(PgOutputReader in) {
        int count = in.readInt32("relation count");
        if (count < 0 || (long) count * 4 + 1 > in.remaining()) {
            throw in.error("truncated or bad relation count " + count + ", " + in.remaining() + " byte(s) left");
        }
        int options = in.readUnsignedByte("options");
        int[] oids = new int[count];
        for (int i = 0; i < count; i++) {
            oids[i] = in.readInt32("relation OID");
        }
        return new Truncate((options & 1) != 0, (options & 2) != 0, oids);
    }

    /** Message: Int8 flags (1 = transactional), Int64 LSN, String prefix, Int32 length, Byte[n] content. */
    private static Message decodeMessage(PgOutputReader in) {
        int flags = in.readUnsignedByte("flags");
        Lsn lsn = Lsn.valueOf(in.readInt64("message LSN"));
        String prefix = in.readCString("prefix");
        int length = in.readLength("content length", 1);
        return new Message((flags & 1) != 0, lsn, prefix, in.readBytes(length, "content"));
    }

    /**
     * TupleData: Int16 column count, then per column Byte1 kind: 'n' (null), 'u' (unchanged TOAST),
     * or 't' followed by Int32 length and that many bytes of text.
     */
    private static TupleData decodeTuple(PgOutputReader in) {
        int count = in.readUnsignedShort("tuple column count");
        if (count > in.remaining()) {
            throw in.error("truncated: " + count + " tuple columns announced, " + in.remaining() + " byte(s) left");
        }
        char[] kinds = new char[count];
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            char kind = in.readByteAsChar("tuple column kind");
            switch (kind) {
                case TupleData.KIND_NULL, TupleData.KIND_UNCHANGED_TOAST -> { }
                case TupleData.KIND_TEXT -> values[i] = in.readText(in.readLength("value length", 1), "value");
                // 'b' only comes with the binary option, which we never ask for; we could not convert it.
                case 'b' -> throw in.error("binary tuple value in column " + i
                        + " (the 'binary' option must be off)");
                default -> throw in.error("unknown tuple column kind " + MessageType.describe(kind)
                        + " in column " + i);
            }
            kinds[i] = kind;
        }
        return TupleData.wrap(kinds, values);
    }

    /** PostgreSQL writes pg_catalog as the empty string to save space; its own reader maps it back. */
    private static String namespace(String wire) {
        return wire.isEmpty() ? PG_CATALOG : wire;
    }
}
