package io.pgrealtime.relay.pgoutput;

import io.pgrealtime.relay.pgoutput.PgOutputMessage.Relation;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Type;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelationCacheTest {

    private static final int USERS = 16_385;

    private final RelationCache cache = new RelationCache();

    private static Relation users(Relation.Column... columns) {
        return new Relation(USERS, "public", "users", 'd', List.of(columns));
    }

    @Test
    void unknownRelations() {
        assertThat(cache.get(USERS)).isEmpty();
        assertThatThrownBy(() -> cache.require(-2))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("OID 4294967294 before any Relation message");
    }

    @Test
    void storesByOid() {
        Relation r = users(new Relation.Column(true, "id", 20, -1));
        assertThat(cache.put(r)).isNull();
        assertThat(cache.get(USERS)).contains(r);
        assertThat(cache.require(USERS)).isSameAs(r);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aNewDescriptionReplacesTheOldOneMidStream() {
        Relation before = users(new Relation.Column(true, "id", 20, -1), new Relation.Column(false, "name", 25, -1));
        Relation added = users(new Relation.Column(true, "id", 20, -1), new Relation.Column(false, "name", 25, -1),
                new Relation.Column(false, "email", 1043, 259));
        Relation dropped = users(new Relation.Column(true, "id", 20, -1),
                new Relation.Column(false, "email", 1043, 259));

        cache.put(before);
        assertThat(cache.put(added)).isEqualTo(before);
        assertThat(cache.require(USERS).columnNames()).containsExactly("id", "name", "email");
        assertThat(cache.put(dropped)).isEqualTo(added);
        assertThat(cache.require(USERS).columnNames()).containsExactly("id", "email");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void replacementFromDecodedMessagesGovernsTheFollowingTuples() {
        RowDecoder rows = new RowDecoder(PgValueConverter.builtinsOnly());
        cache.apply(PgOutputDecoder.decode(PgOutputBytes.message('R').int32(USERS).cstring("public")
                .cstring("users").int8('d').int16(1).column(true, "id", 23, -1).buffer()));
        assertThat(rows.decode(cache.require(USERS), TupleData.ofText("1")).row().toString()).isEqualTo("{\"id\":1}");

        // ALTER TABLE users ADD COLUMN age int2: the server re-sends the relation before the next change.
        cache.apply(PgOutputDecoder.decode(PgOutputBytes.message('R').int32(USERS).cstring("public")
                .cstring("users").int8('d').int16(2).column(true, "id", 23, -1).column(false, "age", 21, -1).buffer()));
        assertThat(rows.decode(cache.require(USERS), TupleData.ofText("2", "40")).row().toString())
                .isEqualTo("{\"id\":2,\"age\":40}");
    }

    @Test
    void applyRecordsRelationsAndTypesOnly() {
        Type mood = new Type(16_400, "public", "mood");
        assertThat(cache.apply(users())).isTrue();
        assertThat(cache.apply(mood)).isTrue();
        assertThat(cache.apply(new PgOutputMessage.Begin(Lsn.valueOf(1), Instant.EPOCH, 1))).isFalse();

        assertThat(cache.get(USERS)).isPresent();
        assertThat(cache.type(16_400)).contains(mood);
        assertThat(cache.type(1)).isEmpty();
    }

    @Test
    void clearForgetsEverything() {
        cache.apply(users());
        cache.apply(new Type(16_400, "public", "mood"));
        cache.clear();
        assertThat(cache.size()).isZero();
        assertThat(cache.type(16_400)).isEmpty();
    }
}
