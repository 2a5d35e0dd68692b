package io.pgrealtime.relay.pgoutput;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad bytes must give a {@link PgOutputException} that says what is wrong, never a raw buffer exception. */
class PgOutputMalformedTest {

    private static Stream<PgOutputBytes> wellFormed() {
        byte[] payload = {1, 2, 3};
        return Stream.of(
                PgOutputBytes.message('B').int64(1).int64(2).int32(3),
                PgOutputBytes.message('C').int8(0).int64(1).int64(2).int64(3),
                PgOutputBytes.message('O').int64(1).cstring("origin"),
                PgOutputBytes.message('R').int32(1).cstring("public").cstring("t").int8('d').int16(2)
                        .column(true, "id", 23, -1).column(false, "v", 25, -1),
                PgOutputBytes.message('Y').int32(1).cstring("public").cstring("mood"),
                PgOutputBytes.message('I').int32(1).int8('N').tuple(3).text("1").nullValue().unchanged(),
                PgOutputBytes.message('U').int32(1).int8('O').textTuple("1", "a").int8('N').textTuple("1", "b"),
                PgOutputBytes.message('D').int32(1).int8('K').textTuple("1", null),
                PgOutputBytes.message('T').int32(2).int8(3).int32(1).int32(2),
                PgOutputBytes.message('M').int8(1).int64(9).cstring("p").int32(3).raw(payload));
    }

    @ParameterizedTest
    @MethodSource("wellFormed")
    void everyTruncationOfEveryMessageTypeIsAProtocolError(PgOutputBytes message) {
        byte[] whole = message.bytes();
        assertThatCode(() -> PgOutputDecoder.decode(ByteBuffer.wrap(whole))).doesNotThrowAnyException();
        for (int length = 0; length < whole.length; length++) {
            ByteBuffer cut = ByteBuffer.wrap(Arrays.copyOf(whole, length));
            assertThatThrownBy(() -> PgOutputDecoder.decode(cut))
                    .as("prefix of %d bytes", length)
                    .isInstanceOf(PgOutputException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("wellFormed")
    void trailingBytesAreAProtocolError(PgOutputBytes message) {
        byte[] longer = Arrays.copyOf(message.bytes(), message.size() + 1);
        assertThatThrownBy(() -> PgOutputDecoder.decode(ByteBuffer.wrap(longer)))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("trailing");
    }

    @Test
    void truncationMessageNamesMessageFieldAndOffset() {
        byte[] whole = PgOutputBytes.message('B').int64(1).int64(2).int32(3).bytes();
        assertThatThrownBy(() -> PgOutputDecoder.decode(ByteBuffer.wrap(Arrays.copyOf(whole, 18))))
                .isInstanceOf(PgOutputException.class)
                .hasMessage("malformed BEGIN message at offset 17: truncated: needed 4 byte(s) for xid, 1 left");
    }

    @Test
    void emptyBuffer() {
        assertThatThrownBy(() -> PgOutputDecoder.decode(ByteBuffer.allocate(0)))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("empty");
    }

    @ParameterizedTest
    @ValueSource(chars = {'X', 'S', 'E', 'c', 'A', 'P', 'b', 'K', 'r', 'p', 0, 0xFF})
    void unknownMessageTypes(char type) {
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message(type).int64(0).buffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("unknown pgoutput message type");
    }

    @Test
    void unknownTypeIsShownReadably() {
        assertThatThrownBy(() -> MessageType.forType('X')).hasMessageContaining("'X' (0x58)");
        assertThatThrownBy(() -> MessageType.forType((char) 7)).hasMessageContaining("0x07");
    }

    @Test
    void everyKnownTypeRoundTrips() {
        for (MessageType type : MessageType.values()) {
            assertThat(MessageType.forType(type.code())).isSameAs(type);
        }
        assertThat(MessageType.values()).extracting(MessageType::code)
                .containsExactly('B', 'C', 'O', 'R', 'Y', 'I', 'U', 'D', 'T', 'M');
    }

    @Test
    void unknownTupleKind() {
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('I').int32(1).int8('N')
                .tuple(1).int8('x').buffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("unknown tuple column kind 'x'");
    }

    @Test
    void binaryTupleValuesAreRejected() {
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('I').int32(1).int8('N')
                .tuple(1).int8('b').int32(4).int32(42).buffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("binary");
    }

    @Test
    void negativeValueLength() {
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('I').int32(1).int8('N')
                .tuple(1).int8('t').int32(-1).buffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void valueLengthPastTheEndDoesNotAllocate() {
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('I').int32(1).int8('N')
                .tuple(1).int8('t').int32(Integer.MAX_VALUE).raw(new byte[] {'a'}).buffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void hugeCountsAreRejectedBeforeAllocating() {
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('T').int32(Integer.MAX_VALUE)
                .int8(0).buffer())).isInstanceOf(PgOutputException.class);
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('T').int32(-1).int8(0).buffer()))
                .isInstanceOf(PgOutputException.class);
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('R').int32(1).cstring("s")
                .cstring("t").int8('d').int16(0xFFFF).buffer())).isInstanceOf(PgOutputException.class);
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('I').int32(1).int8('N')
                .tuple(0xFFFF).nullValue().buffer())).isInstanceOf(PgOutputException.class);
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('M').int8(0).int64(1)
                .cstring("p").int32(Integer.MAX_VALUE).buffer())).isInstanceOf(PgOutputException.class);
    }

    @Test
    void wrongTupleMarkers() {
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('I').int32(1).int8('K')
                .textTuple("1").buffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("expected new tuple marker 'N'");
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('U').int32(1).int8('X')
                .textTuple("1").buffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("'K', 'O' or 'N'");
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('U').int32(1).int8('K')
                .textTuple("1").int8('K').textTuple("2").buffer()))
                .isInstanceOf(PgOutputException.class);
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('D').int32(1).int8('N')
                .textTuple("1").buffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("'K' or 'O'");
    }

    @Test
    void stringWithoutTerminator() {
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.message('O').int64(1)
                .raw("no-nul".getBytes()).buffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("no terminating NUL for origin name");
    }

    @Test
    void randomGarbageNeverEscapesAsAnotherException() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] garbage = new byte[random.nextInt(40)];
            random.nextBytes(garbage);
            if (garbage.length > 0) {
                // Bias towards valid type bytes so the per-message decoders get exercised too.
                garbage[0] = (byte) "BCORYIUDTM".charAt(random.nextInt(10));
            }
            try {
                PgOutputDecoder.decode(ByteBuffer.wrap(garbage));
            } catch (PgOutputException expected) {
                // the only acceptable failure
            }
        }
    }
}
