package io.pgrealtime.gateway.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.protocol.Json;

import java.io.IOException;

/**
 * Decodes one text frame into a {@link ClientMessage}. Anything that is not a JSON object of a
 * known type with its required fields is refused with {@link ErrorCode#INVALID_MESSAGE}; the
 * {@code ref}, when it can be read, is kept so the error can echo it.
 */
public final class ClientMessageDecoder {

    private ClientMessageDecoder() {
    }

    /** Thrown for undecodable messages; carries the ref when known. */
    public static final class InvalidMessage extends GatewayException {
        private final String ref;

        InvalidMessage(String message, String ref) {
            super(ErrorCode.INVALID_MESSAGE, message);
            this.ref = ref;
        }

        public String ref() {
            return ref;
        }
    }

    public static ClientMessage decode(String text) {
        JsonNode node;
        try (JsonParser p = Json.factory().createParser(text)) {
            node = Json.mapper().readTree(p);
            if (p.nextToken() != null) {
                throw new InvalidMessage("trailing data after the JSON message", null);
            }
        } catch (JsonProcessingException e) {
            throw new InvalidMessage("not valid JSON", null);
        } catch (IOException e) {
            throw new InvalidMessage("not valid JSON", null);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidMessage("a message must be a JSON object", null);
        }
        String ref = optionalText(node, "ref", null);
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new InvalidMessage("missing field 'type'", ref);
        }
        return switch (type.asText()) {
            case "subscribe" -> new ClientMessage.Subscribe(required(node, "channel", ref), object(node, "filter", ref),
                    optionalText(node, "since", ref), object(node, "state", ref), ref);
            case "unsubscribe" -> new ClientMessage.Unsubscribe(required(node, "channel", ref), ref);
            case "broadcast" -> new ClientMessage.Broadcast(required(node, "channel", ref), event(node, ref),
                    node.has("payload") ? node.get("payload") : Json.object(), node.path("self").asBoolean(false), ref);
            case "presence" -> new ClientMessage.Presence(required(node, "channel", ref),
                    node.has("state") ? object(node, "state", ref) : Json.object(), ref);
            case "auth" -> new ClientMessage.Auth(required(node, "token", ref), ref);
            case "ping" -> new ClientMessage.Ping(ref);
            default -> throw new InvalidMessage("unknown message type '" + abbreviate(type.asText()) + "'", ref);
        };
    }

    /**
     * The event of a {@code broadcast}: optional, as in seed 004's "Send Message (Broadcast)"
     * ({@code {type, channel, payload}}); {@value ClientMessage.Broadcast#DEFAULT_EVENT} when absent or null.
     * When given it must be a non-empty string.
     */
    private static String event(JsonNode node, String ref) {
        JsonNode v = node.get("event");
        if (v == null || v.isNull()) {
            return ClientMessage.Broadcast.DEFAULT_EVENT;
        }
        return required(node, "event", ref);
    }

    private static String required(JsonNode node, String field, String ref) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidMessage("missing field '" + field + "'", ref);
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new InvalidMessage("field '" + field + "' must be a non-empty string", ref);
        }
        return v.asText();
    }

    private static String optionalText(JsonNode node, String field, String ref) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual() || v.isNumber()) {
            return v.asText();
        }
        throw new InvalidMessage("field '" + field + "' must be a string", ref);
    }

    private static JsonNode object(JsonNode node, String field, String ref) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new InvalidMessage("field '" + field + "' must be a JSON object", ref);
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
