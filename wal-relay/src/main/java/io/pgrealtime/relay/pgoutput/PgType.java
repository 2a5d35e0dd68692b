package io.pgrealtime.relay.pgoutput;

import java.util.Objects;

/**
 * What the value converter needs to know about a PostgreSQL data type: a row of {@code pg_type}
 * reduced to the columns that decide how its text form maps to JSON.
 *
 * @param oid         {@code pg_type.oid}
 * @param name        {@code pg_type.typname} (for logs and diagnostics)
 * @param category    {@code pg_type.typcategory}: {@code 'A'} array, {@code 'E'} enum, {@code 'C'}
 *                    composite, {@code 'N'} numeric, {@code 'S'} string, … (a domain carries its
 *                    base type's category)
 * @param elementOid  {@code pg_type.typelem}: the element type of an array, 0 otherwise. Some
 *                    non-array types have one too (name, point); only category {@code 'A'} makes an array.
 * @param baseTypeOid {@code pg_type.typbasetype}: the underlying type of a domain, 0 otherwise
 * @param delimiter   {@code pg_type.typdelim}: separates elements in the text form of an array
 *                    <em>of this type</em> ({@code ','} for all built-in types but box, which uses {@code ';'})
 */
public record PgType(int oid, String name, char category, int elementOid, int baseTypeOid, char delimiter) {

    /** {@code typcategory} of array types. */
    public static final char CATEGORY_ARRAY = 'A';
    /** {@code typcategory} of composite (row) types. */
    public static final char CATEGORY_COMPOSITE = 'C';
    /** {@code typcategory} of enum types. */
    public static final char CATEGORY_ENUM = 'E';
    /** {@code typcategory} of user-defined types. */
    public static final char CATEGORY_USER = 'U';

    public PgType {
        Objects.requireNonNull(name, "name");
    }

    /** A plain (non-array, non-domain) type with the default delimiter {@code ','}. */
    public static PgType base(int oid, String name, char category) {
        return new PgType(oid, name, category, 0, 0, ',');
    }

    /** An array type over {@code elementOid}. */
    public static PgType array(int oid, String name, int elementOid) {
        return new PgType(oid, name, CATEGORY_ARRAY, elementOid, 0, ',');
    }

    /** An enum type: its values are labels, converted to JSON strings. */
    public static PgType enumType(int oid, String name) {
        return base(oid, name, CATEGORY_ENUM);
    }

    /** A domain over {@code baseTypeOid}, with the base type's category. */
    public static PgType domain(int oid, String name, char category, int baseTypeOid) {
        return new PgType(oid, name, category, 0, baseTypeOid, ',');
    }

    /** Whether values are arrays: category {@code 'A'} with an element type. */
    public boolean isArray() {
        return category == CATEGORY_ARRAY && elementOid != 0;
    }

    /** Whether this is a domain, whose values convert as its base type's. */
    public boolean isDomain() {
        return baseTypeOid != 0;
    }
}
