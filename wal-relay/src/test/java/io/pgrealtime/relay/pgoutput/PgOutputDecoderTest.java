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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class PgOutputDecoderTest {

    private static final Instant T1 = Instant.parse("2024-01-01T10:00:00.123456Z");
    private static final int USERS = 16_385;

    private static PgOutputMessage decode(PgOutputBytes bytes) {
        return PgOutputDecoder.decode(bytes.buffer());
    }

    @Nested
    class Transactions {

        @Test
        void beginHasExactLsnTimestampAndUnsignedXid() {
            PgOutputMessage m = decode(PgOutputBytes.message('B')
                    .int64(0x16_B374_D848L).timestamp(T1).int32(0xFFFF_FFF0));

            assertThat(m).isEqualTo(new Begin(Lsn.valueOf("16/B374D848"), T1, 4_294_967_280L));
            assertThat(m.type()).isEqualTo(MessageType.BEGIN);
        }

        @Test
        void timestampsBeforeTheYear2000AreNegativeMicros() {
            Instant before = Instant.parse("1999-12-31T23:59:59.999999Z");
            Begin m = (Begin) decode(PgOutputBytes.message('B').int64(1).timestamp(before).int32(7));

            assertThat(PgOutputBytes.pgMicros(before)).isEqualTo(-1);
            assertThat(m.commitTime()).isEqualTo(before);
        }

        @Test
        void pgEpochIsTheYear2000() {
            assertThat(PgOutputDecoder.toInstant(0)).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
            assertThat(PgOutputDecoder.toInstant(1)).isEqualTo(Instant.parse("2000-01-01T00:00:00.000001Z"));
        }

        @Test
        void commitHasFlagsBothLsnsAndTimestamp() {
            PgOutputMessage m = decode(PgOutputBytes.message('C')
                    .int8(0).int64(0x16_B374_D848L).int64(0x16_B374_D878L).timestamp(T1));

            assertThat(m).isEqualTo(new Commit(0, Lsn.valueOf("16/B374D848"), Lsn.valueOf("16/B374D878"), T1));
        }

        @Test
        void originHasLsnAndName() {
            PgOutputMessage m = decode(PgOutputBytes.message('O').int64(0xABCDL).cstring("node_a"));

            assertThat(m).isEqualTo(new Origin(Lsn.valueOf(0xABCDL), "node_a"));
        }
    }

    @Nested
    class Relations {

        @ParameterizedTest
        @ValueSource(chars = {'d', 'f', 'n', 'i'})
        void relationKeepsReplicaIdentityAndKeyFlags(char identity) {
            Relation r = (Relation) decode(PgOutputBytes.message('R')
                    .int32(USERS).cstring("public").cstring("users").int8(identity).int16(3)
                    .column(true, "id", 20, -1)
                    .column(false, "name", 1043, 104)
                    .column(true, "tenant", 2950, -1));

            assertThat(r.oid()).isEqualTo(USERS);
            assertThat(r.qualifiedName()).isEqualTo("public.users");
            assertThat(r.replicaIdentity()).isEqualTo(identity);
            assertThat(r.columns()).containsExactly(
                    new Relation.Column(true, "id", 20, -1),
                    new Relation.Column(false, "name", 1043, 104),
                    new Relation.Column(true, "tenant", 2950, -1));
            assertThat(r.keyColumnNames()).containsExactly("id", "tenant");
            assertThat(r.columnNames()).containsExactly("id", "name", "tenant");
        }

        @Test
        void keyFlagIsBitOneOnly() {
            Relation r = (Relation) decode(PgOutputBytes.message('R')
                    .int32(1).cstring("s").cstring("t").int8('d').int16(2)
                    .int8(0b10).cstring("a").int32(23).int32(-1)
                    .int8(0b11).cstring("b").int32(23).int32(-1));

            assertThat(r.columns()).extracting(Relation.Column::key).containsExactly(false, true);
        }

        @Test
        void emptyNamespaceMeansPgCatalogAndTablesMayHaveNoColumns() {
            Relation r = (Relation) decode(PgOutputBytes.message('R')
                    .int32(1).cstring("").cstring("weird").int8('n').int16(0));

            assertThat(r.namespace()).isEqualTo("pg_catalog");
            assertThat(r.columns()).isEmpty();
            assertThat(r.keyColumnNames()).isEmpty();
        }

        @Test
        void oidsAboveTwoToThe31KeepTheirBits() {
            Relation r = (Relation) decode(PgOutputBytes.message('R')
                    .int32(0xFFFF_FFFE).cstring("public").cstring("t").int8('d').int16(1)
                    .column(true, "id", 0x8000_0001, -1));

            assertThat(Integer.toUnsignedString(r.oid())).isEqualTo("4294967294");
            assertThat(Integer.toUnsignedLong(r.columns().get(0).typeOid())).isEqualTo(0x8000_0001L);
        }

        @Test
        void utf8Names() {
            Relation r = (Relation) decode(PgOutputBytes.message('R')
                    .int32(1).cstring("schémа").cstring("żółw").int8('d').int16(1)
                    .column(false, "名前", 25, -1));

            assertThat(r.qualifiedName()).isEqualTo("schémа.żółw");
            assertThat(r.columnNames()).containsExactly("名前");
        }

        @Test
        void typeMessage() {
            PgOutputMessage m = decode(PgOutputBytes.message('Y').int32(16_400).cstring("public").cstring("mood"));

            assertThat(m).isEqualTo(new Type(16_400, "public", "mood"));
            assertThat(((Type) decode(PgOutputBytes.message('Y').int32(3).cstring("").cstring("x"))).namespace())
                    .isEqualTo("pg_catalog");
        }
    }

    @Nested
    class Changes {

        @Test
        void insertWithEveryKindOfValue() {
            Insert m = (Insert) decode(PgOutputBytes.message('I').int32(USERS).int8('N')
                    .tuple(5).text("42").nullValue().unchanged().text("").text("żółw 🐢"));

            assertThat(m.relationOid()).isEqualTo(USERS);
            TupleData t = m.newTuple();
            assertThat(t.size()).isEqualTo(5);
            assertThat(t.kind(0)).isEqualTo('t');
            assertThat(t.text(0)).isEqualTo("42");
            assertThat(t.isNull(1)).isTrue();
            assertThat(t.text(1)).isNull();
            assertThat(t.isUnchangedToast(2)).isTrue();
            assertThat(t.text(2)).isNull();
            assertThat(t.text(3)).isEmpty();
            assertThat(t.text(4)).isEqualTo("żółw 🐢");
            assertThat(t.hasUnchangedToast()).isTrue();
        }

        @Test
        void insertOfAnEmptyTuple() {
            Insert m = (Insert) decode(PgOutputBytes.message('I').int32(USERS).int8('N').tuple(0));
            assertThat(m.newTuple().size()).isZero();
        }

        @Test
        void updateWithoutOldTuple() {
            Update m = (Update) decode(PgOutputBytes.message('U').int32(USERS)
                    .int8('N').textTuple("1", "new"));

            assertThat(m.oldKind()).isEqualTo(PgOutputMessage.OLD_NONE);
            assertThat(m.oldTuple()).isNull();
            assertThat(m.newTuple()).isEqualTo(TupleData.ofText("1", "new"));
        }

        @Test
        void updateWithOldKey() {
            Update m = (Update) decode(PgOutputBytes.message('U').int32(USERS)
                    .int8('K').textTuple("1", null)
                    .int8('N').textTuple("2", "new"));

            assertThat(m.oldKind()).isEqualTo('K');
            assertThat(m.oldTuple()).isEqualTo(TupleData.ofText("1", null));
            assertThat(m.newTuple()).isEqualTo(TupleData.ofText("2", "new"));
        }

        @Test
        void updateWithWholeOldRow() {
            Update m = (Update) decode(PgOutputBytes.message('U').int32(USERS)
                    .int8('O').textTuple("1", "old")
                    .int8('N').tuple(2).text("1").unchanged());

            assertThat(m.oldKind()).isEqualTo('O');
            assertThat(m.oldTuple()).isEqualTo(TupleData.ofText("1", "old"));
            assertThat(m.newTuple().isUnchangedToast(1)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(chars = {'K', 'O'})
        void deleteWithKeyOrWholeRow(char kind) {
            Delete m = (Delete) decode(PgOutputBytes.message('D').int32(USERS).int8(kind).textTuple("7", null));

            assertThat(m).isEqualTo(new Delete(USERS, kind, TupleData.ofText("7", null)));
        }

        @ParameterizedTest
        @CsvSource({"0, false, false", "1, true, false", "2, false, true", "3, true, true"})
        void truncateFlags(int flags, boolean cascade, boolean restartIdentity) {
            Truncate m = (Truncate) decode(PgOutputBytes.message('T').int32(3).int8(flags)
                    .int32(USERS).int32(USERS + 1).int32(0xFFFF_FFFF));

            assertThat(m.cascade()).isEqualTo(cascade);
            assertThat(m.restartIdentity()).isEqualTo(restartIdentity);
            assertThat(m.relationOids()).containsExactly(USERS, USERS + 1, -1);
            assertThat(m).isEqualTo(new Truncate(cascade, restartIdentity, new int[] {USERS, USERS + 1, -1}));
        }

        @Test
        void truncateOidsCannotBeChangedThroughTheAccessor() {
            Truncate m = (Truncate) decode(PgOutputBytes.message('T').int32(1).int8(0).int32(USERS));
            m.relationOids()[0] = 1;
            assertThat(m.relationOids()).containsExactly(USERS);
        }
    }

    @Nested
    class LogicalMessages {

        @Test
        void transactionalMessage() {
            byte[] payload = "{\"phase\":\"battle\"}".getBytes(StandardCharsets.UTF_8);
            Message m = (Message) decode(PgOutputBytes.message('M').int8(1).int64(0x1_0000_0010L)
                    .cstring("realtime:broadcast").int32(payload.length).raw(payload));

            assertThat(m.transactional()).isTrue();
            assertThat(m.lsn()).isEqualTo(Lsn.valueOf("1/10"));
            assertThat(m.prefix()).isEqualTo("realtime:broadcast");
            assertThat(m.content()).isEqualTo(payload);
            assertThat(m.contentAsString()).isEqualTo("{\"phase\":\"battle\"}");
        }

        @Test
        void nonTransactionalMessageWithEmptyPrefixAndContent() {
            Message m = (Message) decode(PgOutputBytes.message('M').int8(0).int64(5).cstring("").int32(0));

            assertThat(m.transactional()).isFalse();
            assertThat(m.prefix()).isEmpty();
            assertThat(m.content()).isEmpty();
            assertThat(m).isEqualTo(new Message(false, Lsn.valueOf(5), "", new byte[0]));
        }

        @Test
        void binaryContentIsKeptAsIs() {
            byte[] payload = {0, (byte) 0xFF, 0x7F, (byte) 0x80};
            Message m = (Message) decode(PgOutputBytes.message('M').int8(1).int64(5).cstring("bin")
                    .int32(payload.length).raw(payload));
            assertThat(m.content()).containsExactly(payload);
        }
    }

    @Nested
    class Buffers {

        private final PgOutputBytes insert = PgOutputBytes.message('I').int32(USERS).int8('N').textTuple("1", "x");

        @Test
        void callersBufferIsLeftUntouched() {
            ByteBuffer buffer = insert.buffer();
            PgOutputDecoder.decode(buffer);
            assertThat(buffer.position()).isZero();
            assertThat(buffer.limit()).isEqualTo(insert.size());
        }

        @Test
        void readsFromPositionToLimitOfASlicedArray() {
            byte[] framed = new byte[insert.size() + 20];
            System.arraycopy(insert.bytes(), 0, framed, 7, insert.size());
            ByteBuffer slice = ByteBuffer.wrap(framed, 7, insert.size()).slice();

            assertThat(PgOutputDecoder.decode(slice)).isEqualTo(decode(insert));
            ByteBuffer positioned = ByteBuffer.wrap(framed, 7, insert.size());
            assertThat(PgOutputDecoder.decode(positioned)).isEqualTo(decode(insert));
        }

        @Test
        void directBuffers() {
            ByteBuffer direct = ByteBuffer.allocateDirect(insert.size());
            direct.put(insert.bytes()).flip();
            assertThat(PgOutputDecoder.decode(direct)).isEqualTo(decode(insert));
        }

        @Test
        void decodedValuesDoNotDependOnTheBufferAfterwards() {
            byte[] bytes = insert.bytes();
            Insert m = (Insert) PgOutputDecoder.decode(ByteBuffer.wrap(bytes));
            Arrays.fill(bytes, (byte) 'z');
            assertThat(m.newTuple().text(1)).isEqualTo("x");
        }
    }
}
