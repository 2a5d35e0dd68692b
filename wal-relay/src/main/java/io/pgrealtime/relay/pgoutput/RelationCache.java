package io.pgrealtime.relay.pgoutput;

import io.pgrealtime.relay.pgoutput.PgOutputMessage.Relation;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Type;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relations (and types) the replication stream has described, by OID.
 *
 * <p>pgoutput sends a {@link Relation} before the first change of a table in a session and again
 * whenever the table's definition changed (ADD/DROP COLUMN, a column type change, a new replica
 * identity); the newest description always governs the changes that follow it. So a new Relation
 * for a known OID <em>replaces</em> the entry: decoding a tuple with a stale column list would
 * shift every value into the wrong column.
 *
 * <p>Descriptions are per session: after a reconnect the server sends them again before use, so
 * the cache may be {@link #clear() cleared} on reconnect and never needs persisting.
 *
 * <p>Thread-safe: written by the replication thread, readable from others (metrics, admin).
 */
public final class RelationCache {

    private final Map<Integer, Relation> relations = new ConcurrentHashMap<>();
    private final Map<Integer, Type> types = new ConcurrentHashMap<>();

    /**
     * Records a Relation or Type message; other messages are ignored.
     *
     * @return whether the message was a Relation or Type (and so is fully handled)
     */
    public boolean apply(PgOutputMessage message) {
        if (message instanceof Relation relation) {
            put(relation);
            return true;
        }
        if (message instanceof Type type) {
            putType(type);
            return true;
        }
        return false;
    }

    /**
     * Stores a relation, replacing any earlier description of the same OID.
     *
     * @return the description it replaced, or {@code null}; a caller can compare the two to notice
     *         a schema change
     */
    public Relation put(Relation relation) {
        return relations.put(relation.oid(), relation);
    }

    /** The current description of a relation, if the stream has sent one. */
    public Optional<Relation> get(int oid) {
        return Optional.ofNullable(relations.get(oid));
    }

    /**
     * The current description of a relation a change refers to.
     *
     * @throws PgOutputException if none was received: the server always sends it first, so this means
     *                           messages were lost or the cache was cleared mid-session
     */
    public Relation require(int oid) {
        Relation relation = relations.get(oid);
        if (relation == null) {
            throw new PgOutputException("change for relation OID " + Integer.toUnsignedString(oid)
                    + " before any Relation message describing it");
        }
        return relation;
    }

    /** Stores a type name, replacing any earlier one for the same OID. */
    public void putType(Type type) {
        types.put(type.oid(), type);
    }

    /** The name the stream gave a non-built-in type, if any. */
    public Optional<Type> type(int oid) {
        return Optional.ofNullable(types.get(oid));
    }

    /** Number of relations known. */
    public int size() {
        return relations.size();
    }

    /** Forgets everything (on reconnect: the server describes relations afresh in a new session). */
    public void clear() {
        relations.clear();
        types.clear();
    }
}
