package io.pgrealtime.gateway.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.filter.FilterError;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;

/** Encoders of the server messages of protocol.md §1, to UTF-8 JSON bytes. Thread-safe. */
public final class ServerMessages {
    private static final byte[] PONG = "{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8);

    private ServerMessages() {
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] encode(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] pong(String ref) {
        if (ref == null) {
            return PONG;
        }
        return encode(g -> {
            g.writeStringField("type", "pong");
            g.writeStringField("ref", ref);
        });
    }

    public static byte[] ack(String channel, String status, String ref, Boolean recovered) {
        return encode(g -> {
            g.writeStringField("type", "ack");
            g.writeStringField("channel", channel);
            g.writeStringField("status", status);
            if (ref != null) {
                g.writeStringField("ref", ref);
            }
            if (recovered != null) {
                g.writeBooleanField("recovered", recovered);
            }
        });
    }

    /** An ack for a message without a channel (auth). */
    public static byte[] ack(String status, String ref) {
        return encode(g -> {
            g.writeStringField("type", "ack");
            g.writeStringField("status", status);
            if (ref != null) {
                g.writeStringField("ref", ref);
            }
        });
    }

    public static byte[] error(ErrorCode code, String message, String ref, String channel, List<FilterError> details) {
        return encode(g -> {
            g.writeStringField("type", "error");
            g.writeStringField("code", code.name());
            g.writeStringField("message", message);
            if (ref != null) {
                g.writeStringField("ref", ref);
            }
            if (channel != null) {
                g.writeStringField("channel", channel);
            }
            if (details != null && !details.isEmpty()) {
                // Keyed by field, as seed 003's clients read them: details.<field>.code.
                g.writeFieldName("details");
                Json.writeTree(g, FilterError.details(details));
            }
        });
    }

    /** A broadcast message (client or database broadcast) on a {@code broadcast:} channel. */
    public static byte[] broadcast(String channel, String event, JsonNode payload) {
        return encode(g -> {
            g.writeStringField("type", "broadcast");
            g.writeStringField("channel", channel);
            g.writeStringField("event", event);
            g.writeFieldName("payload");
            Json.writeTree(g, payload);
        });
    }

    /**
     * A change event: {@code {"type":"broadcast","channel":…,"id":…,"payload":<event JSON>}}. The
     * stored event JSON is spliced in as it is (no re-serialization); {@code view}, when not null,
     * is added to the payload.
     */
    public static byte[] change(String channel, String id, byte[] eventJson, String view) {
        byte[] head = ("{\"type\":\"broadcast\",\"channel\":" + quote(channel) + ",\"id\":" + quote(id) + ",\"payload\":")
                .getBytes(StandardCharsets.UTF_8);
        byte[] viewField = view == null ? new byte[0] : (",\"view\":\"" + view + "\"").getBytes(StandardCharsets.UTF_8);
        // eventJson ends with '}': the view field goes before it.
        int body = eventJson.length - (view == null ? 0 : 1);
        byte[] out = new byte[head.length + body + viewField.length + (view == null ? 0 : 1) + 1];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(eventJson, 0, out, head.length, body);
        int pos = head.length + body;
        if (view != null) {
            System.arraycopy(viewField, 0, out, pos, viewField.length);
            pos += viewField.length;
            out[pos++] = '}';
        }
        out[pos] = '}';
        return out;
    }

    public static byte[] presenceSync(String channel, Collection<? extends JsonNode> members) {
        return encode(g -> {
            g.writeStringField("type", "presence");
            g.writeStringField("channel", channel);
            g.writeStringField("event", "sync");
            g.writeArrayFieldStart("members");
            for (JsonNode m : members) {
                Json.writeTree(g, m);
            }
            g.writeEndArray();
        });
    }

    public static byte[] presenceEvent(String channel, String event, JsonNode member) {
        return encode(g -> {
            g.writeStringField("type", "presence");
            g.writeStringField("channel", channel);
            g.writeStringField("event", event);
            g.writeFieldName("member");
            Json.writeTree(g, member);
        });
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
