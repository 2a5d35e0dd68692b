package io.pgrealtime.relay.pgoutput;


import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One decoded pgoutput protocol v1 message. The records mirror the wire fields one to one, with
 * wire types made usable: LSNs as {@link Lsn}, timestamps as {@link Instant}, the transaction id
 * (an unsigned 32-bit {@code xid}) as a non-negative {@code long}.
 *
 * <p>OIDs (relation and type) are unsigned 32-bit on the wire and kept as the same bits in an
 * {@code int}: compare them with {@code ==}, use them as map keys, print them with
 * {@link Integer#toUnsignedString(int)}.
 *
 * <p>Arrays in {@link Truncate} and {@link Message} are copied in and out, so every message is
 * immutable and thread-safe.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html">Logical
 *      Replication Message Formats</a>
 */
public sealed interface PgOutputMessage {

    /** The wire message type. */
    MessageType type();

    /**
     * Start of a transaction. Every change up to the matching {@link Commit} belongs to it.
     *
     * @param finalLsn   the LSN of the commit record (the same as {@link Commit#commitLsn()})
     * @param commitTime commit timestamp
     * @param xid        transaction id, unsigned 32-bit
     */
    record Begin(Lsn finalLsn, Instant commitTime, long xid) implements PgOutputMessage {
        public Begin {
            Objects.requireNonNull(finalLsn, "finalLsn");
            Objects.requireNonNull(commitTime, "commitTime");
        }

        @Override
        public MessageType type() {
            return MessageType.BEGIN;
        }
    }

    /**
     * End of a transaction.
     *
     * @param flags      unused by PostgreSQL so far (always 0), kept for completeness
     * @param commitLsn  LSN of the commit record; the position events of this transaction are keyed by
     * @param endLsn     LSN just past the commit record; the position to confirm once it is stored
     * @param commitTime commit timestamp
     */
    record Commit(int flags, Lsn commitLsn, Lsn endLsn, Instant commitTime) implements PgOutputMessage {
        public Commit {
            Objects.requireNonNull(commitLsn, "commitLsn");
            Objects.requireNonNull(endLsn, "endLsn");
            Objects.requireNonNull(commitTime, "commitTime");
        }

        @Override
        public MessageType type() {
            return MessageType.COMMIT;
        }
    }

    /**
     * The transaction came from another node through replication origins.
     *
     * @param commitLsn commit LSN on the origin server
     * @param name      origin name
     */
    record Origin(Lsn commitLsn, String name) implements PgOutputMessage {
        public Origin {
            Objects.requireNonNull(commitLsn, "commitLsn");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public MessageType type() {
            return MessageType.ORIGIN;
        }
    }

    /**
     * Description of a table, sent before its first change in a session and again after any change
     * of its definition (ADD/DROP COLUMN, type change, replica identity change). A newer description
     * for the same OID replaces the older one.
     *
     * @param oid             relation OID
     * @param namespace       schema name; the wire's empty string for {@code pg_catalog} is given
     *                        as {@code "pg_catalog"}, as PostgreSQL's own reader does
     * @param name            table name
     * @param replicaIdentity {@code pg_class.relreplident}: {@link #IDENTITY_DEFAULT 'd'},
     *                        {@link #IDENTITY_NOTHING 'n'}, {@link #IDENTITY_FULL 'f'} or
     *                        {@link #IDENTITY_INDEX 'i'}
     * @param columns         the published columns in tuple order (dropped and generated columns
     *                        are not sent; with a publication column list only the listed ones)
     */
    record Relation(int oid, String namespace, String name, char replicaIdentity, List<Column> columns)
            implements PgOutputMessage {

        /** REPLICA IDENTITY DEFAULT: the primary key. */
        public static final char IDENTITY_DEFAULT = 'd';
        /** REPLICA IDENTITY NOTHING. */
        public static final char IDENTITY_NOTHING = 'n';
        /** REPLICA IDENTITY FULL: the whole old row; pgoutput then flags every column as key. */
        public static final char IDENTITY_FULL = 'f';
        /** REPLICA IDENTITY USING INDEX. */
        public static final char IDENTITY_INDEX = 'i';

        public Relation {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            columns = List.copyOf(columns);
        }

        @Override
        public MessageType type() {
            return MessageType.RELATION;
        }

        /** {@code schema.table}. */
        public String qualifiedName() {
            return namespace + "." + name;
        }

        /** Column names in tuple order. */
        public List<String> columnNames() {
            List<String> names = new ArrayList<>(columns.size());
            for (Column column : columns) {
                names.add(column.name());
            }
            return List.copyOf(names);
        }

        /**
         * Names of the columns flagged as part of the replica identity, in column order.
         *
         * <p>Beware: under {@link #IDENTITY_FULL} pgoutput flags <em>every</em> column, so this is
         * the whole row, not the primary key; under {@link #IDENTITY_NOTHING} (or a table without a
         * primary key under DEFAULT) it is empty.
         */
        public List<String> keyColumnNames() {
            List<String> names = new ArrayList<>();
            for (Column column : columns) {
                if (column.key()) {
                    names.add(column.name());
                }
            }
            return List.copyOf(names);
        }

        /**
         * One column of a relation.
         *
         * @param key          part of the replica identity (wire flag bit 1)
         * @param name         column name
         * @param typeOid      {@code pg_attribute.atttypid}
         * @param typeModifier {@code pg_attribute.atttypmod}, -1 when none
         */
        public record Column(boolean key, String name, int typeOid, int typeModifier) {
            public Column {
                Objects.requireNonNull(name, "name");
            }
        }
    }

    /**
     * Name of a non-built-in data type used by a following {@link Relation}.
     *
     * <p>Note (PostgreSQL's {@code logicalrep_write_typ}): for a domain the OID is the domain's but
     * the namespace and name are those of its base type.
     *
     * @param oid       type OID
     * @param namespace schema name, {@code "pg_catalog"} for the wire's empty string
     * @param name      type name
     */
    record Type(int oid, String namespace, String name) implements PgOutputMessage {
        public Type {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public MessageType type() {
            return MessageType.TYPE;
        }
    }

    /** A row was inserted. */
    record Insert(int relationOid, TupleData newTuple) implements PgOutputMessage {
        public Insert {
            Objects.requireNonNull(newTuple, "newTuple");
        }

        @Override
        public MessageType type() {
            return MessageType.INSERT;
        }
    }

    /** Old-tuple marker: the old tuple holds the replica identity key columns only (others are 'n'). */
    char OLD_KEY = 'K';
    /** Old-tuple marker: the old tuple is the whole old row (REPLICA IDENTITY FULL). */
    char OLD_FULL = 'O';
    /** Old-tuple marker: no old tuple was sent. */
    char OLD_NONE = 0;

    /**
     * A row was updated.
     *
     * @param oldKind  {@link #OLD_KEY 'K'}, {@link #OLD_FULL 'O'} or {@link #OLD_NONE 0}; PostgreSQL
     *                 sends no old tuple when the key did not change (identity DEFAULT/INDEX)
     * @param oldTuple the old key or row, {@code null} when {@code oldKind} is 0. In a 'K' tuple every
     *                 column is present but non-key ones are 'n'; they are not really NULL.
     * @param newTuple the new row; unchanged TOASTed values are 'u'
     */
    record Update(int relationOid, char oldKind, TupleData oldTuple, TupleData newTuple)
            implements PgOutputMessage {
        public Update {
            Objects.requireNonNull(newTuple, "newTuple");
            if ((oldKind == OLD_NONE) != (oldTuple == null) || (oldKind != OLD_NONE && oldKind != OLD_KEY
                    && oldKind != OLD_FULL)) {
                throw new IllegalArgumentException("oldKind " + (int) oldKind + " with oldTuple " + oldTuple);
            }
        }

        @Override
        public MessageType type() {
            return MessageType.UPDATE;
        }
    }

    /**
     * A row was deleted.
     *
     * @param oldKind  {@link #OLD_KEY 'K'} or {@link #OLD_FULL 'O'}
     * @param oldTuple the old key (non-key columns 'n') or the whole old row
     */
    record Delete(int relationOid, char oldKind, TupleData oldTuple) implements PgOutputMessage {
        public Delete {
            Objects.requireNonNull(oldTuple, "oldTuple");
            if (oldKind != OLD_KEY && oldKind != OLD_FULL) {
                throw new IllegalArgumentException("oldKind " + (int) oldKind);
            }
        }

        @Override
        public MessageType type() {
            return MessageType.DELETE;
        }
    }

    /**
     * One TRUNCATE statement, covering every published table it emptied.
     *
     * @param cascade         TRUNCATE ... CASCADE (wire flag bit 1)
     * @param restartIdentity TRUNCATE ... RESTART IDENTITY (wire flag bit 2)
     * @param relationOids    the truncated relations (copied)
     */
    record Truncate(boolean cascade, boolean restartIdentity, int[] relationOids) implements PgOutputMessage {
        public Truncate {
            relationOids = relationOids.clone();
        }

        @Override
        public MessageType type() {
            return MessageType.TRUNCATE;
        }

        /** A copy of the relation OIDs. */
        @Override
        public int[] relationOids() {
            return relationOids.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Truncate t && t.cascade == cascade && t.restartIdentity == restartIdentity
                    && Arrays.equals(t.relationOids, relationOids);
        }

        @Override
        public int hashCode() {
            return Objects.hash(cascade, restartIdentity, Arrays.hashCode(relationOids));
        }

        @Override
        public String toString() {
            return "Truncate[cascade=" + cascade + ", restartIdentity=" + restartIdentity
                    + ", relationOids=" + Arrays.toString(relationOids) + "]";
        }
    }

    /**
     * A logical decoding message ({@code pg_logical_emit_message}).
     *
     * @param transactional true when emitted inside a transaction and delivered only if it commits
     *                      (between its Begin and Commit); false when delivered at once, outside any
     *                      transaction
     * @param lsn           LSN of the message record
     * @param prefix        the prefix given to {@code pg_logical_emit_message}
     * @param content       the payload bytes (copied)
     */
    record Message(boolean transactional, Lsn lsn, String prefix, byte[] content) implements PgOutputMessage {
        public Message {
            Objects.requireNonNull(lsn, "lsn");
            Objects.requireNonNull(prefix, "prefix");
            content = content.clone();
        }

        @Override
        public MessageType type() {
            return MessageType.MESSAGE;
        }

        /** A copy of the payload. */
        @Override
        public byte[] content() {
            return content.clone();
        }

        /** The payload decoded as UTF-8 (malformed bytes become U+FFFD). */
        public String contentAsString() {
            return new String(content, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Message m && m.transactional == transactional && m.lsn.equals(lsn)
                    && m.prefix.equals(prefix) && Arrays.equals(m.content, content);
        }

        @Override
        public int hashCode() {
            return Objects.hash(transactional, lsn, prefix, Arrays.hashCode(content));
        }

        @Override
        public String toString() {
            return "Message[transactional=" + transactional + ", lsn=" + lsn + ", prefix=" + prefix
                    + ", content=" + content.length + " bytes]";
        }
    }
}
