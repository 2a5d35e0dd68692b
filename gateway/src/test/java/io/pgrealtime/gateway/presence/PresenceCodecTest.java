package io.pgrealtime.gateway.presence;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.pgrealtime.gateway.presence.ContractSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PresenceCodecTest {
    private final PresenceMember member = new PresenceMember("c\"1", "u,\"state\":1", "node-a",
            json("{\"n\":1.500,\"s\":\"😀\"}"), Instant.parse("2026-01-09T10:30:00.123456789Z"));

    @Test
    void memberJsonEndsWithTheStateAndRoundTrips() {
        String text = PresenceCodec.encode(member);
        assertThat(text).startsWith("{\"connectionId\":\"c\\\"1\",\"userId\":").endsWith(",\"state\":{\"n\":1.500,\"s\":\"😀\"}}");
        // The Lua scripts find the state and the node id by the first structural occurrence.
        assertThat(text.indexOf(",\"state\":")).isEqualTo(text.length() - ",\"state\":{\"n\":1.500,\"s\":\"😀\"}}".length());
        assertThat(text).contains(",\"nodeId\":\"node-a\",");
        assertThat(PresenceCodec.decode(text)).isEqualTo(member);
    }

    @Test
    void anonymousMembersHaveANullUserId() {
        PresenceMember anon = PresenceMember.of("c", null, "n", null);
        assertThat(PresenceCodec.encode(anon)).contains("\"userId\":null");
        assertThat(PresenceCodec.decode(PresenceCodec.encode(anon))).isEqualTo(anon);
    }

    @Test
    void eventsAsWrittenByTheScriptsAreDecoded() {
        String event = "{\"type\":\"leave\",\"room\":\"a\\/b\",\"member\":" + PresenceCodec.encode(member) + "}";
        PresenceCodec.Event e = PresenceCodec.decodeEvent(event);
        assertThat(e.type()).isEqualTo(PresenceCodec.EventType.LEAVE);
        assertThat(e.room()).isEqualTo("a/b");
        assertThat(e.member()).isEqualTo(member);
        assertThatThrownBy(() -> PresenceCodec.decodeEvent("{\"type\":\"dance\"}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stateIsCopiedSoCallersCannotChangeAMember() {
        com.fasterxml.jackson.databind.node.ObjectNode state = io.pgrealtime.protocol.Json.object().put("a", 1);
        PresenceMember m = PresenceMember.of("c", "u", "n", state);
        state.put("a", 2);
        assertThat(m.state().get("a").intValue()).isEqualTo(1);
    }
}
