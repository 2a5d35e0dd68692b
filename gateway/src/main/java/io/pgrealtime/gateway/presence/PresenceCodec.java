package io.pgrealtime.gateway.presence;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.protocol.Json;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The JSON form of members and presence events in Redis.
 *
 * <p>A member is {@code {"connectionId":…,"userId":…,"nodeId":…,"joinedAt":"ISO-8601","state":…}}
 * with {@code state} always last: {@code presence_update.lua} replaces the state by editing the
 * text after {@code ,"state":}, which keeps numbers exactly as written. An event is
 * {@code {"type":"join"|"update"|"leave","room":…,"member":{…}}}, written by the Lua scripts.
 */
final class PresenceCodec {
    enum EventType { JOIN, UPDATE, LEAVE }

    record Event(EventType type, String room, PresenceMember member) {
    }

    private PresenceCodec() {
    }

    static String encode(PresenceMember m) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("connectionId", m.connectionId());
            g.writeStringField("userId", m.userId());
            g.writeStringField("nodeId", m.nodeId());
            g.writeStringField("joinedAt", m.joinedAt().toString());
            g.writeFieldName("state");
            Json.writeTree(g, m.state());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static String encodeState(JsonNode state) {
        StringWriter out = new StringWriter(64);
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            Json.writeTree(g, state == null ? Json.object() : state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static PresenceMember decode(String json) {
        try {
            return decode(Json.mapper().readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed presence member", e);
        }
    }

    static PresenceMember decode(JsonNode n) {
        JsonNode user = n.get("userId");
        return new PresenceMember(n.get("connectionId").textValue(),
                user == null || user.isNull() ? null : user.textValue(),
                n.get("nodeId").textValue(), n.get("state"), Instant.parse(n.get("joinedAt").textValue()));
    }

    static Event decodeEvent(String json) {
        try {
            JsonNode n = Json.mapper().readTree(json);
            EventType type = EventType.valueOf(n.get("type").textValue().toUpperCase(java.util.Locale.ROOT));
            return new Event(type, n.get("room").textValue(), decode(n.get("member")));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed presence event", e);
        }
    }
}
