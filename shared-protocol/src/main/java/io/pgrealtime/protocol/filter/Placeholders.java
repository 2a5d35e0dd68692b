package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Recognises {@code {{claims.NAME}}} placeholders and resolves claim names. */
final class Placeholders {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{claims\\.([^{}\\s]+)}}");

    private Placeholders() {
    }

    /** The claim name if {@code value} is exactly a placeholder string, else null. */
    static String claimName(JsonNode value) {
        return value != null && value.isTextual() ? claimName(value.textValue()) : null;
    }

    /** The claim name if {@code text} is exactly a placeholder, else null. */
    static String claimName(String text) {
        if (text == null || !text.startsWith("{{claims.")) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        return m.matches() ? m.group(1) : null;
    }

    /**
     * The claim's value: the literal key first, then a walk through nested maps or JSON objects
     * along the dotted name. Null when absent.
     */
    static Object lookup(Map<String, ?> claims, String name) {
        if (claims == null) {
            return null;
        }
        if (claims.containsKey(name)) {
            return claims.get(name);
        }
        Object current = claims;
        for (String part : name.split("\\.", -1)) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(part);
            } else if (current instanceof JsonNode node && node.isObject()) {
                current = node.get(part);
            } else {
                return null;
            }
            if (current == null) {
                return null;
            }
        }
        return current;
    }
}
