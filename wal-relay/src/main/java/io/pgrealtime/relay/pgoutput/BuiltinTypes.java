package io.pgrealtime.relay.pgoutput;

/**
 * PostgreSQL's built-in data types, whose OIDs are fixed in {@code pg_type.dat} and the same in
 * every database: the scalar types the converter treats specially, the other common column types
 * and the array type of each.
 *
 * <p>Types not listed here (user-defined enums, domains, composites, extension types and their
 * arrays) must come from a resolver that reads {@code pg_type}; see {@link TypeResolver}.
 *
 * <p>Immutable and thread-safe; lookups are an array index, no boxing.
 */
public final class BuiltinTypes {

    public static final int BOOL = 16;
    public static final int BYTEA = 17;
    public static final int CHAR = 18;
    public static final int NAME = 19;
    public static final int INT8 = 20;
    public static final int INT2 = 21;
    public static final int INT4 = 23;
    public static final int TEXT = 25;
    public static final int OID = 26;
    public static final int JSON = 114;
    public static final int FLOAT4 = 700;
    public static final int FLOAT8 = 701;
    public static final int BPCHAR = 1042;
    public static final int VARCHAR = 1043;
    public static final int DATE = 1082;
    public static final int TIME = 1083;
    public static final int TIMESTAMP = 1114;
    public static final int TIMESTAMPTZ = 1184;
    public static final int INTERVAL = 1186;
    public static final int TIMETZ = 1266;
    public static final int NUMERIC = 1700;
    public static final int UUID = 2950;
    public static final int JSONB = 3802;
    /** The geometric box; the one built-in type whose arrays use {@code ';'} as delimiter. */
    public static final int BOX = 603;

    public static final int BOOL_ARRAY = 1000;
    public static final int BYTEA_ARRAY = 1001;
    public static final int CHAR_ARRAY = 1002;
    public static final int NAME_ARRAY = 1003;
    public static final int INT2_ARRAY = 1005;
    public static final int INT4_ARRAY = 1007;
    public static final int TEXT_ARRAY = 1009;
    public static final int BPCHAR_ARRAY = 1014;
    public static final int VARCHAR_ARRAY = 1015;
    public static final int INT8_ARRAY = 1016;
    public static final int BOX_ARRAY = 1020;
    public static final int FLOAT4_ARRAY = 1021;
    public static final int FLOAT8_ARRAY = 1022;
    public static final int OID_ARRAY = 1028;
    public static final int TIMESTAMP_ARRAY = 1115;
    public static final int DATE_ARRAY = 1182;
    public static final int TIME_ARRAY = 1183;
    public static final int TIMESTAMPTZ_ARRAY = 1185;
    public static final int INTERVAL_ARRAY = 1187;
    public static final int NUMERIC_ARRAY = 1231;
    public static final int TIMETZ_ARRAY = 1270;
    public static final int JSON_ARRAY = 199;
    public static final int UUID_ARRAY = 2951;
    public static final int JSONB_ARRAY = 3807;

    private static final PgType[] TABLE = new PgType[6200];

    static {
        scalar(BOOL, "bool", 'B', BOOL_ARRAY);
        scalar(BYTEA, "bytea", 'U', BYTEA_ARRAY);
        scalar(CHAR, "char", 'Z', CHAR_ARRAY);
        scalar(NAME, "name", 'S', NAME_ARRAY);
        scalar(INT8, "int8", 'N', INT8_ARRAY);
        scalar(INT2, "int2", 'N', INT2_ARRAY);
        scalar(INT4, "int4", 'N', INT4_ARRAY);
        scalar(TEXT, "text", 'S', TEXT_ARRAY);
        scalar(OID, "oid", 'N', OID_ARRAY);
        scalar(JSON, "json", 'U', JSON_ARRAY);
        scalar(FLOAT4, "float4", 'N', FLOAT4_ARRAY);
        scalar(FLOAT8, "float8", 'N', FLOAT8_ARRAY);
        scalar(BPCHAR, "bpchar", 'S', BPCHAR_ARRAY);
        scalar(VARCHAR, "varchar", 'S', VARCHAR_ARRAY);
        scalar(DATE, "date", 'D', DATE_ARRAY);
        scalar(TIME, "time", 'D', TIME_ARRAY);
        scalar(TIMESTAMP, "timestamp", 'D', TIMESTAMP_ARRAY);
        scalar(TIMESTAMPTZ, "timestamptz", 'D', TIMESTAMPTZ_ARRAY);
        scalar(INTERVAL, "interval", 'T', INTERVAL_ARRAY);
        scalar(TIMETZ, "timetz", 'D', TIMETZ_ARRAY);
        scalar(NUMERIC, "numeric", 'N', NUMERIC_ARRAY);
        scalar(UUID, "uuid", 'U', UUID_ARRAY);
        scalar(JSONB, "jsonb", 'U', JSONB_ARRAY);
        TABLE[BOX] = new PgType(BOX, "box", 'G', 0, 0, ';');
        TABLE[BOX_ARRAY] = PgType.array(BOX_ARRAY, "_box", BOX);

        // Other common column types: known here so that they (and their arrays) never cost a
        // catalog round trip. They convert to their text form.
        scalar(142, "xml", 'U', 143);
        scalar(600, "point", 'G', 1017);
        scalar(601, "lseg", 'G', 1018);
        scalar(602, "path", 'G', 1019);
        scalar(604, "polygon", 'G', 1027);
        scalar(628, "line", 'G', 629);
        scalar(718, "circle", 'G', 719);
        scalar(650, "cidr", 'I', 651);
        scalar(869, "inet", 'I', 1041);
        scalar(829, "macaddr", 'U', 1040);
        scalar(774, "macaddr8", 'U', 775);
        scalar(790, "money", 'N', 791);
        scalar(1560, "bit", 'V', 1561);
        scalar(1562, "varbit", 'V', 1563);
        scalar(28, "xid", 'U', 1011);
        scalar(5069, "xid8", 'U', 271);
        scalar(2205, "regclass", 'N', 2210);
        scalar(2206, "regtype", 'N', 2211);
        scalar(3220, "pg_lsn", 'U', 3221);
        scalar(3614, "tsvector", 'U', 3643);
        scalar(3615, "tsquery", 'U', 3645);
        scalar(4072, "jsonpath", 'U', 4073);
        scalar(3904, "int4range", 'R', 3905);
        scalar(3906, "numrange", 'R', 3907);
        scalar(3908, "tsrange", 'R', 3909);
        scalar(3910, "tstzrange", 'R', 3911);
        scalar(3912, "daterange", 'R', 3913);
        scalar(3926, "int8range", 'R', 3927);
        scalar(1790, "refcursor", 'U', 2201);
    }

    private BuiltinTypes() {
    }

    private static void scalar(int oid, String name, char category, int arrayOid) {
        TABLE[oid] = PgType.base(oid, name, category);
        TABLE[arrayOid] = PgType.array(arrayOid, "_" + name, oid);
    }

    /** The built-in type with this OID, or {@code null} if it is not in the table. */
    public static PgType get(int oid) {
        return oid >= 0 && oid < TABLE.length ? TABLE[oid] : null;
    }
}
