package io.pgrealtime.gateway.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientMessageDecoderTest {

    @Test
    void decodesEveryMessageType() {
        assertThat(ClientMessageDecoder.decode("{\"type\":\"subscribe\",\"channel\":\"table:public.t\",\"ref\":\"1\","
                + "\"filter\":{\"a\":1},\"since\":\"5-0\"}"))
                .isInstanceOfSatisfying(ClientMessage.Subscribe.class, s -> {
                    assertThat(s.channel()).isEqualTo("table:public.t");
                    assertThat(s.ref()).isEqualTo("1");
                    assertThat(s.filter().toString()).isEqualTo("{\"a\":1}");
                    assertThat(s.since()).isEqualTo("5-0");
                });
        assertThat(ClientMessageDecoder.decode("{\"type\":\"unsubscribe\",\"channel\":\"broadcast:x\"}"))
                .isEqualTo(new ClientMessage.Unsubscribe("broadcast:x", null));
        assertThat(ClientMessageDecoder.decode("{\"type\":\"broadcast\",\"channel\":\"broadcast:c\",\"event\":\"e\",\"self\":true}"))
                .isInstanceOfSatisfying(ClientMessage.Broadcast.class, b -> {
                    assertThat(b.self()).isTrue();
                    assertThat(b.payload().toString()).isEqualTo("{}");
                });
        assertThat(ClientMessageDecoder.decode("{\"type\":\"presence\",\"channel\":\"presence:r\",\"state\":{\"t\":1}}"))
                .isInstanceOf(ClientMessage.Presence.class);
        assertThat(ClientMessageDecoder.decode("{\"type\":\"auth\",\"token\":\"x.y.z\"}"))
                .isEqualTo(new ClientMessage.Auth("x.y.z", null));
        assertThat(ClientMessageDecoder.decode("{\"type\":\"ping\",\"ref\":7}")).isEqualTo(new ClientMessage.Ping("7"));
    }

    @Test
    void aBroadcastWithoutEventGetsTheDefaultEvent() {
        // Seed 004's "Send Message (Broadcast)" has no event.
        assertThat(ClientMessageDecoder.decode("{\"type\":\"broadcast\",\"channel\":\"broadcast:chat\","
                + "\"payload\":{\"message\":\"Hello World\",\"user\":\"john\"}}"))
                .isInstanceOfSatisfying(ClientMessage.Broadcast.class, b -> {
                    assertThat(b.event()).isEqualTo("broadcast");
                    assertThat(b.payload().path("user").asText()).isEqualTo("john");
                });
        assertThat(((ClientMessage.Broadcast) ClientMessageDecoder.decode(
                "{\"type\":\"broadcast\",\"channel\":\"broadcast:c\",\"event\":null}")).event()).isEqualTo("broadcast");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"broadcast\",\"channel\":\"broadcast:c\",\"event\":\"\"}",
            "{\"type\":\"broadcast\",\"channel\":\"broadcast:c\",\"event\":3}",
            "{\"type\":\"broadcast\",\"channel\":\"broadcast:c\",\"event\":{}}"})
    void aGivenBroadcastEventMustBeANonEmptyString(String text) {
        assertThatThrownBy(() -> ClientMessageDecoder.decode(text))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MESSAGE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "\"text\"", "{\"type\":1}", "{}", "{\"type\":\"subscribe\"}",
            "{\"type\":\"subscribe\",\"channel\":\"\"}", "{\"type\":\"subscribe\",\"channel\":\"c\",\"filter\":[1]}",
            "{\"type\":\"nope\"}", "{\"type\":\"ping\"} trailing", "{\"type\":\"auth\"}"})
    void refusesMalformedMessagesWithInvalidMessage(String text) {
        assertThatThrownBy(() -> ClientMessageDecoder.decode(text))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MESSAGE));
    }

    @Test
    void keepsTheRefOfAMessageItCannotAccept() {
        assertThatThrownBy(() -> ClientMessageDecoder.decode("{\"type\":\"nope\",\"ref\":\"r9\"}"))
                .isInstanceOfSatisfying(ClientMessageDecoder.InvalidMessage.class, e -> {
                    assertThat(e.ref()).isEqualTo("r9");
                    assertThat(e.getMessage()).isEqualTo("unknown message type 'nope'");
                });
    }
}
