package io.pgrealtime.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelTest {

    @Test
    void parsesQualifiedTable() {
        assertThat(Channel.parse("table:public.users")).isEqualTo(new TableChannel("public", "users"));
        assertThat(Channel.parse("table:app.Order_Items$1")).isEqualTo(new TableChannel("app", "Order_Items$1"));
    }

    @Test
    void bareTableMeansPublic() {
        Channel c = Channel.parse("table:users");
        assertThat(c).isEqualTo(new TableChannel("public", "users"));
        assertThat(c.name()).isEqualTo("table:public.users");
        assertThat(((TableChannel) c).qualifiedTable()).isEqualTo("public.users");
    }

    @Test
    void parsesBroadcastAndPresence() {
        assertThat(Channel.parse("broadcast:notifications")).isEqualTo(new BroadcastChannel("notifications"));
        assertThat(Channel.parse("broadcast:chat:general")).isEqualTo(new BroadcastChannel("chat:general"));
        assertThat(Channel.parse("presence:chat-room-1")).isEqualTo(new PresenceChannel("chat-room-1"));
        assertThat(Channel.parse("presence:été")).isEqualTo(new PresenceChannel("été"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"table:public.users", "table:a._b", "broadcast:x", "presence:room/1", "broadcast:a.b.c"})
    void nameIsCanonicalAndRoundTrips(String name) {
        Channel c = Channel.parse(name);
        assertThat(c.name()).isEqualTo(name);
        assertThat(Channel.parse(c.name())).isEqualTo(c);
    }

    @Test
    void identifiersAreCaseSensitive() {
        assertThat(Channel.parse("table:public.Users")).isNotEqualTo(Channel.parse("table:public.users"));
    }

    @Test
    void fromCollectionServesSocketIo() {
        assertThat(TableChannel.fromCollection("todos")).isEqualTo(new TableChannel("public", "todos"));
        assertThat(TableChannel.fromCollection("app.todos")).isEqualTo(new TableChannel("app", "todos"));
        assertThatThrownBy(() -> TableChannel.fromCollection("a.b.c")).isInstanceOf(ChannelException.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void missingChannelIsInvalid(String channel) {
        assertInvalid(channel, "missing or empty");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "foo:bar|unknown channel type",
            "users|unknown channel type",
            "Table:public.users|unknown channel type",
            "table:|table name is empty",
            "broadcast:|topic name is empty",
            "presence:|room name is empty",
            "table:public.|table name is empty",
            "table:.users|schema name is empty",
            "table:a.b.c|more than one dot",
            "table:public.1users|not a valid identifier",
            "table:public.user-s|not a valid identifier",
            "table:pub lic.users|whitespace",
            "table:public.\"users\"|not a valid identifier",
            "table:public.usérs|not a valid identifier",
            "broadcast:a b|whitespace",
            "presence:a\tb|whitespace",
    })
    void invalidChannels(String channel, String message) {
        assertInvalid(channel, message);
    }

    @Test
    void controlAndUnicodeSpaceCharactersAreInvalid() {
        assertInvalid("broadcast:a\u0000b", "control");
        assertInvalid("broadcast:a\u007fb", "control");
        assertInvalid("presence:a\u00a0b", "whitespace");
        assertInvalid("presence:a\u2028b", "whitespace");
        assertInvalid("broadcast:x\n", "whitespace");
    }

    @Test
    void lengthIsLimitedTo255() {
        String topic = "t".repeat(255 - "broadcast:".length());
        assertThat(Channel.parse("broadcast:" + topic).name()).hasSize(255);
        assertInvalid("broadcast:" + topic + "x", "longer than 255");
        assertThatThrownBy(() -> new PresenceChannel("r".repeat(300))).isInstanceOf(ChannelException.class);
    }

    @Test
    void identifiersAreLimitedTo63Characters() {
        String ok = "a".repeat(63);
        assertThat(Channel.parse("table:public." + ok)).isEqualTo(new TableChannel("public", ok));
        assertInvalid("table:public." + ok + "a", "longer than 63");
    }

    @Test
    void constructorsValidateToo() {
        assertThatThrownBy(() -> new TableChannel(null, "x")).isInstanceOf(ChannelException.class);
        assertThatThrownBy(() -> new TableChannel("public", "a.b")).isInstanceOf(ChannelException.class);
        assertThatThrownBy(() -> new BroadcastChannel(null)).isInstanceOf(ChannelException.class);
    }

    @Test
    void messagesEscapeControlCharactersAndCapLength() {
        assertThatThrownBy(() -> Channel.parse("x\u0001" + "y".repeat(200)))
                .isInstanceOf(ChannelException.class)
                .hasMessageContaining("\\u0001")
                .hasMessageContaining("…");
    }

    private static void assertInvalid(String channel, String message) {
        assertThatThrownBy(() -> Channel.parse(channel))
                .isInstanceOf(ChannelException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((ChannelException) e).code()).isEqualTo("INVALID_CHANNEL"));
    }
}
