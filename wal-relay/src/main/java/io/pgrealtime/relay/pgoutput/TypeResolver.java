package io.pgrealtime.relay.pgoutput;

/**
 * Looks up type metadata by OID, for the value converter.
 *
 * <p>Resolvers form a chain ({@link #orElse}): the built-in table first (every OID below 10000
 * is fixed by PostgreSQL), then one that asks the database's {@code pg_type} for enums, domains,
 * composites and arrays of those, which get OIDs at run time:
 * <pre>{@code
 * TypeResolver types = TypeResolver.builtins().orElse(catalogResolver);
 * }</pre>
 *
 * <p>Contract for implementations: return {@code null} for an OID you do not know (the next
 * resolver is asked, and a type nobody knows converts to its text form); be fast and cache, since
 * the converter may ask once per array or domain value on the replication thread; be thread-safe.
 * An exception thrown by a resolver (the catalog is unreachable) propagates to the caller of the
 * converter: it is not a data problem, and guessing a type would silently change an event's shape.
 */
@FunctionalInterface
public interface TypeResolver {

    /** The type with this OID, or {@code null} if this resolver does not know it. */
    PgType resolve(int oid);

    /** This resolver, then {@code next} for OIDs this one does not know. */
    default TypeResolver orElse(TypeResolver next) {
        return oid -> {
            PgType type = resolve(oid);
            return type != null ? type : next.resolve(oid);
        };
    }

    /** The built-in types ({@link BuiltinTypes}). */
    static TypeResolver builtins() {
        return BuiltinTypes::get;
    }
}
