package io.pgrealtime.relay.pgoutput;

import io.pgrealtime.relay.pgoutput.PgOutputMessage.Insert;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Relation;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Update;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.pgrealtime.relay.pgoutput.BuiltinTypes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowDecoderTest {

    private static final int DOCS = 16_390;

    /** docs(id int8 PK, title text, body text (toastable), tags text[], meta jsonb, updated_at timestamptz). */
    private static final Relation DOCS_DEFAULT = docs('d', false);
    private static final Relation DOCS_FULL = docs('f', true);

    private final RowDecoder rows = new RowDecoder(PgValueConverter.builtinsOnly());

    private static Relation docs(char identity, boolean allKeys) {
        return new Relation(DOCS, "public", "docs", identity, List.of(
                new Relation.Column(true, "id", INT8, -1),
                new Relation.Column(allKeys, "title", TEXT, -1),
                new Relation.Column(allKeys, "body", TEXT, -1),
                new Relation.Column(allKeys, "tags", TEXT_ARRAY, -1),
                new Relation.Column(allKeys, "meta", JSONB, -1),
                new Relation.Column(allKeys, "updated_at", TIMESTAMPTZ, -1)));
    }

    private static TupleData tuple(char[] kinds, String... values) {
        return TupleData.of(kinds, values);
    }

    @Test
    void rowInColumnOrderWithConvertedValues() {
        DecodedRow row = rows.decode(DOCS_DEFAULT, TupleData.ofText(
                "7", "Hello", null, "{a,\"b c\"}", "{\"v\": 2}", "2024-01-01 10:00:00+01"));

        assertThat(row.row().toString()).isEqualTo("{\"id\":7,\"title\":\"Hello\",\"body\":null,"
                + "\"tags\":[\"a\",\"b c\"],\"meta\":{\"v\":2},\"updated_at\":\"2024-01-01T09:00:00Z\"}");
        assertThat(row.unchangedToast()).isEmpty();
    }

    @Test
    void unchangedToastIsLeftOutAndNamed() {
        DecodedRow row = rows.decode(DOCS_DEFAULT, tuple(new char[] {'t', 't', 'u', 't', 'u', 'n'},
                "7", "New title", null, "{}", null, null));

        assertThat(row.row().toString())
                .isEqualTo("{\"id\":7,\"title\":\"New title\",\"tags\":[],\"updated_at\":null}");
        assertThat(row.row().has("body")).isFalse();
        assertThat(row.unchangedToast()).containsExactly("body", "meta");
    }

    @Test
    void unchangedToastIsFilledFromAFullOldRowButStillNamed() {
        TupleData oldRow = TupleData.ofText("7", "Old", "long body", "{x}", "{\"v\": 1}", null);
        TupleData newRow = tuple(new char[] {'t', 't', 'u', 't', 'u', 't'},
                "7", "New", null, "{x}", null, "2024-01-01 10:00:00+00");

        DecodedRow row = rows.decode(DOCS_FULL, newRow, oldRow);

        assertThat(row.row().toString()).isEqualTo("{\"id\":7,\"title\":\"New\",\"body\":\"long body\","
                + "\"tags\":[\"x\"],\"meta\":{\"v\":1},\"updated_at\":\"2024-01-01T10:00:00Z\"}");
        assertThat(row.unchangedToast()).containsExactly("body", "meta");
    }

    @Test
    void anOldRowThatLacksTheValueToo() {
        TupleData oldRow = tuple(new char[] {'t', 't', 'u', 'n', 'n', 'n'}, "7", "Old", null, null, null, null);
        TupleData newRow = tuple(new char[] {'t', 't', 'u', 'n', 'n', 'n'}, "7", "New", null, null, null, null);

        DecodedRow row = rows.decode(DOCS_FULL, newRow, oldRow);

        assertThat(row.row().has("body")).isFalse();
        assertThat(row.unchangedToast()).containsExactly("body");
    }

    @Test
    void oldKeyGivesOnlyTheKeyColumns() {
        // In a 'K' tuple the non-key columns are 'n' placeholders, not NULLs: they must not appear.
        DecodedRow old = rows.decodeOld(DOCS_DEFAULT, 'K', TupleData.ofText("7", null, null, null, null, null));

        assertThat(old.row().toString()).isEqualTo("{\"id\":7}");
    }

    @Test
    void oldFullGivesEveryColumn() {
        DecodedRow old = rows.decodeOld(DOCS_FULL, 'O', TupleData.ofText("7", "T", null, "{}", "[]", null));

        assertThat(old.row().toString())
                .isEqualTo("{\"id\":7,\"title\":\"T\",\"body\":null,\"tags\":[],\"meta\":[],\"updated_at\":null}");
    }

    @Test
    void noOldTuple() {
        assertThat(rows.decodeOld(DOCS_DEFAULT, PgOutputMessage.OLD_NONE, null)).isNull();
    }

    @Test
    void keyColumnNames() {
        assertThat(RowDecoder.keyColumnNames(DOCS_DEFAULT)).containsExactly("id");
        // pgoutput flags every column under REPLICA IDENTITY FULL.
        assertThat(RowDecoder.keyColumnNames(DOCS_FULL)).hasSize(6);
        assertThat(RowDecoder.keyColumnNames(new Relation(1, "s", "t", 'n', List.of(
                new Relation.Column(false, "a", INT4, -1))))).isEmpty();
    }

    @Test
    void aTupleWiderOrNarrowerThanTheRelationIsAnError() {
        assertThatThrownBy(() -> rows.decode(DOCS_DEFAULT, TupleData.ofText("1", "x")))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("tuple has 2 columns but relation public.docs (OID 16390) has 6");
        assertThatThrownBy(() -> rows.decodeOld(DOCS_DEFAULT, 'K', TupleData.ofText("1")))
                .isInstanceOf(PgOutputException.class);
    }

    @Test
    void duplicateColumnNamesCannotHappenButTheLastWins() {
        Relation odd = new Relation(1, "s", "t", 'd', List.of(
                new Relation.Column(true, "a", INT4, -1), new Relation.Column(false, "a", TEXT, -1)));
        assertThat(rows.decode(odd, TupleData.ofText("1", "x")).row().toString()).isEqualTo("{\"a\":\"x\"}");
    }

    @Test
    void endToEndFromWireBytes() {
        RelationCache cache = new RelationCache();
        cache.apply(PgOutputDecoder.decode(PgOutputBytes.message('R').int32(DOCS).cstring("public").cstring("docs")
                .int8('d').int16(4)
                .column(true, "id", INT8, -1)
                .column(false, "price", NUMERIC, 655366)
                .column(false, "scores", FLOAT8_ARRAY, -1)
                .column(false, "active", BOOL, -1)
                .buffer()));
        Insert insert = (Insert) PgOutputDecoder.decode(PgOutputBytes.message('I').int32(DOCS).int8('N')
                .textTuple("9007199254740993", "19.90", "{1.5,NaN}", "t").buffer());
        Update update = (Update) PgOutputDecoder.decode(PgOutputBytes.message('U').int32(DOCS)
                .int8('K').textTuple("9007199254740993", null, null, null)
                .int8('N').textTuple("1", "0.00", "{}", "f").buffer());

        Relation relation = cache.require(insert.relationOid());
        assertThat(rows.decode(relation, insert.newTuple()).row().toString())
                .isEqualTo("{\"id\":9007199254740993,\"price\":19.90,\"scores\":[1.5,\"NaN\"],\"active\":true}");
        assertThat(rows.decodeOld(relation, update.oldKind(), update.oldTuple()).row().toString())
                .isEqualTo("{\"id\":9007199254740993}");
        assertThat(rows.decode(relation, update.newTuple()).row().toString())
                .isEqualTo("{\"id\":1,\"price\":0.00,\"scores\":[],\"active\":false}");
    }
}
