package io.pgrealtime.gateway.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class SharedFrameTest {

    /** Each length class of RFC 6455's payload length (7 bits, 16 bits, 64 bits) at its edges. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 200_000})
    void framesDecodeAsTheSameTextWithNettysClientDecoder(int length) {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) 'x');
        if (length > 2) {
            payload[0] = '{';
            payload[length - 1] = '}';
        }
        SharedFrame f = new SharedFrame(payload);
        assertThat(f.bytes()).isSameAs(payload);
        int header = length < 126 ? 2 : length <= 65_535 ? 4 : 10;
        assertThat(f.frame()).hasSize(header + length);
        assertThat(f.frame()[0] & 0xFF).as("FIN + text opcode").isEqualTo(0x81);

        // A client decoder: server frames must not be masked.
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
        ch.writeInbound(Unpooled.wrappedBuffer(f.frame()));
        TextWebSocketFrame decoded = ch.readInbound();
        assertThat(decoded).isNotNull();
        assertThat(decoded.isFinalFragment()).isTrue();
        byte[] got = new byte[decoded.content().readableBytes()];
        decoded.content().readBytes(got);
        assertThat(got).isEqualTo(payload);
        decoded.release();
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 300})
    void singleConnectionFrameIsADirectBufferWithTheSameBytes(int length) {
        byte[] payload = "a".repeat(length).getBytes(StandardCharsets.UTF_8);
        ByteBuf b = SharedFrame.textFrame(payload);
        try {
            assertThat(b.isDirect()).isTrue();
            byte[] bytes = new byte[b.readableBytes()];
            b.getBytes(b.readerIndex(), bytes);
            assertThat(bytes).isEqualTo(new SharedFrame(payload).frame());
        } finally {
            b.release();
        }
    }
}
