package io.pgrealtime.relay.pgoutput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.function.Function;

/**
 * Parses PostgreSQL's array literal (the output of {@code array_out}) into nested JSON arrays.
 *
 * <p>Grammar accepted (that of {@code array_in}, which is a superset of what {@code array_out}
 * writes):
 * <ul>
 *   <li>optional dimension decoration {@code [lo:hi][lo:hi]=} before the braces, written when a
 *       lower bound is not 1; the bounds are dropped (JSON arrays start at 0);</li>
 *   <li>{@code {}} for an empty array; {@code {a,b}} and nested {@code {{1,2},{3,4}}} for n
 *       dimensions;</li>
 *   <li>elements separated by the element type's delimiter ({@code ','}, {@code ';'} for box);</li>
 *   <li>an unquoted {@code NULL}, any case, is SQL NULL; a quoted {@code "NULL"} is the string;</li>
 *   <li>quoted elements with backslash escapes ({@code "a,b"}, {@code "c\"d"}); backslash escapes
 *       also in unquoted elements; whitespace around elements is ignored unless quoted or escaped.</li>
 * </ul>
 * Rectangularity is not checked: PostgreSQL only ever writes rectangular arrays.
 *
 * <p>Malformed input throws {@link IllegalArgumentException}; the converter then falls back to
 * the text form. Not thread-safe; one instance per value.
 */
final class PgArrayParser {

    /** PostgreSQL's MAXDIM is 6; a little slack, but bounded so garbage cannot recurse deeply. */
    private static final int MAX_DIMENSIONS = 16;

    private final String text;
    private final char delimiter;
    private final Function<String, JsonNode> elementConverter;
    private final JsonNodeFactory nodes;
    private int pos;

    private PgArrayParser(String text, char delimiter, Function<String, JsonNode> elementConverter,
                          JsonNodeFactory nodes) {
        this.text = text;
        this.delimiter = delimiter;
        this.elementConverter = elementConverter;
        this.nodes = nodes;
    }

    /**
     * Parses {@code text} into a JSON array.
     *
     * @param delimiter        the element type's {@code typdelim}
     * @param elementConverter converts one non-null element's text to JSON
     * @throws IllegalArgumentException if {@code text} is not an array literal
     */
    static ArrayNode parse(String text, char delimiter, Function<String, JsonNode> elementConverter,
                           JsonNodeFactory nodes) {
        PgArrayParser parser = new PgArrayParser(text, delimiter, elementConverter, nodes);
        parser.skipWhitespace();
        if (parser.peek() == '[') {
            parser.skipDimensions();
        }
        parser.skipWhitespace();
        ArrayNode result = parser.parseArray(1);
        parser.skipWhitespace();
        if (parser.pos != text.length()) {
            throw parser.error("unexpected text after the closing brace");
        }
        return result;
    }

    /** {@code [1:2][0:3]=}: checked for shape, then ignored. */
    private void skipDimensions() {
        while (peek() == '[') {
            pos++;
            if (peek() == '-' || peek() == '+') {
                pos++;
            }
            expectDigits();
            expect(':');
            if (peek() == '-' || peek() == '+') {
                pos++;
            }
            expectDigits();
            expect(']');
        }
        expect('=');
    }

    private ArrayNode parseArray(int depth) {
        if (depth > MAX_DIMENSIONS) {
            throw error("more than " + MAX_DIMENSIONS + " dimensions");
        }
        expect('{');
        ArrayNode array = nodes.arrayNode();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return array;
        }
        while (true) {
            skipWhitespace();
            char c = peek();
            if (c == '{') {
                array.add(parseArray(depth + 1));
            } else if (c == '"') {
                array.add(elementConverter.apply(parseQuoted()));
            } else {
                parseUnquoted(array);
            }
            skipWhitespace();
            c = peek();
            pos++;
            if (c == '}') {
                return array;
            }
            if (c != delimiter) {
                throw error("expected '" + delimiter + "' or '}'");
            }
        }
    }

    /** A double-quoted element; returns its content with escapes resolved. */
    private String parseQuoted() {
        pos++;
        int start = pos;
        StringBuilder sb = null;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                String value = sb == null ? text.substring(start, pos) : sb.toString();
                pos++;
                return value;
            }
            if (c == '\\') {
                if (sb == null) {
                    // Only build a copy once an escape shows up; most quoted elements have none.
                    sb = new StringBuilder(text.length() - start).append(text, start, pos);
                }
                pos++;
                if (pos >= text.length()) {
                    break;
                }
                c = text.charAt(pos);
            }
            if (sb != null) {
                sb.append(c);
            }
            pos++;
        }
        throw error("unterminated quoted element");
    }

    /** An unquoted element up to the delimiter or '}'; unescaped NULL (any case) is SQL NULL. */
    private void parseUnquoted(ArrayNode array) {
        StringBuilder sb = new StringBuilder();
        boolean escaped = false;
        int keep = 0; // length without trailing unescaped whitespace, which array_in drops
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == delimiter || c == '}') {
                break;
            }
            if (c == '{' || c == '"') {
                throw error("unexpected '" + c + "' inside an unquoted element");
            }
            if (c == '\\') {
                pos++;
                if (pos >= text.length()) {
                    throw error("backslash at end of input");
                }
                sb.append(text.charAt(pos));
                keep = sb.length();
                escaped = true;
            } else {
                sb.append(c);
                if (!Character.isWhitespace(c)) {
                    keep = sb.length();
                }
            }
            pos++;
        }
        sb.setLength(keep);
        if (sb.length() == 0) {
            throw error("empty unquoted element");
        }
        String value = sb.toString();
        // A quoted or escaped "NULL" is the four-letter string; only the bare word means NULL.
        if (!escaped && value.equalsIgnoreCase("NULL")) {
            array.addNull();
        } else {
            array.add(elementConverter.apply(value));
        }
    }

    private void skipWhitespace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        return text.charAt(pos);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void expectDigits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        if (pos == start) {
            throw error("expected a digit");
        }
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException("not an array literal (" + problem + " at " + pos + ")");
    }
}
