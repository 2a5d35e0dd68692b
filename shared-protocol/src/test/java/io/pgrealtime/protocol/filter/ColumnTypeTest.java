package io.pgrealtime.protocol.filter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ColumnTypeTest {

    @ParameterizedTest
    @CsvSource({
            "int2,INTEGER", "int4,INTEGER", "int8,INTEGER", "integer,INTEGER", "bigint,INTEGER", "smallint,INTEGER",
            "numeric,DECIMAL", "'numeric(10,2)',DECIMAL", "decimal,DECIMAL",
            "float4,FLOAT", "float8,FLOAT", "real,FLOAT", "double precision,FLOAT",
            "bool,BOOLEAN", "boolean,BOOLEAN",
            "text,TEXT", "varchar,TEXT", "bpchar,TEXT", "char,TEXT", "name,TEXT", "character varying(255),TEXT",
            "character(3),TEXT", "uuid,UUID",
            "timestamp,TIMESTAMP", "timestamp(3) without time zone,TIMESTAMP",
            "timestamptz,TIMESTAMPTZ", "timestamp with time zone,TIMESTAMPTZ", "TIMESTAMPTZ,TIMESTAMPTZ",
            "date,DATE", "time,TIME", "timetz,TIME", "time with time zone,TIME",
            "json,JSON", "jsonb,JSON",
            "_int4,ARRAY", "_text,ARRAY", "text[],ARRAY", "integer[],ARRAY", "character varying(20)[],ARRAY",
            "interval,OTHER", "inet,OTHER", "citext,OTHER", "mood,OTHER", "bytea,OTHER", "money,OTHER",
    })
    void mapsPostgresTypeNames(String name, ColumnType expected) {
        assertThat(ColumnType.fromPgTypeName(name)).isEqualTo(expected);
    }

    @Test
    void nullNameIsOther() {
        assertThat(ColumnType.fromPgTypeName(null)).isEqualTo(ColumnType.OTHER);
    }

    @Test
    void capabilities() {
        assertThat(ColumnType.TEXT.supportsLike()).isTrue();
        assertThat(ColumnType.UUID.supportsLike()).isFalse();
        assertThat(ColumnType.BOOLEAN.supportsOrdering()).isFalse();
        assertThat(ColumnType.BOOLEAN.supportsEquality()).isTrue();
        assertThat(ColumnType.JSON.supportsOrdering()).isFalse();
        assertThat(ColumnType.ARRAY.supportsEquality()).isFalse();
        assertThat(ColumnType.OTHER.supportsOrdering()).isFalse();
        assertThat(ColumnType.TIMESTAMPTZ.supportsOrdering()).isTrue();
    }
}
