package io.pgrealtime.gateway.transport.socketio.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.Json;

import java.util.List;
import java.util.Map;

/**
 * Moves binary data between a JSON tree and the attachment list: out of the tree as
 * {@code {"_placeholder":true,"num":n}} when encoding, back in when decoding. Attachments are
 * numbered in depth-first order (array elements in order, object fields in order), as the
 * reference parser numbers them.
 *
 * @see <a href="https://github.com/socketio/socket.io-protocol#sending-and-receiving-data">Socket.IO v5 binary data</a>
 */
final class BinaryPlaceholders {
    static final String PLACEHOLDER = "_placeholder";
    static final String NUM = "num";

    private BinaryPlaceholders() {
    }

    /** How many {@link BinaryNode}s the tree holds. */
    static int count(JsonNode node) {
        if (node == null) {
            return 0;
        }
        if (node.isBinary()) {
            return 1;
        }
        int n = 0;
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                n += count(child);
            }
        }
        return n;
    }

    /**
     * A copy of the tree with every {@link BinaryNode} replaced by a placeholder, its bytes added
     * to {@code out}; the input tree is left as it is. Subtrees without binary are shared.
     */
    static JsonNode deconstruct(JsonNode node, List<byte[]> out) {
        if (node instanceof BinaryNode binary) {
            ObjectNode placeholder = Json.object();
            placeholder.put(PLACEHOLDER, true);
            placeholder.put(NUM, out.size());
            out.add(binary.binaryValue());
            return placeholder;
        }
        if (node.isArray()) {
            ArrayNode copy = Json.mapper().createArrayNode();
            node.forEach(child -> copy.add(deconstruct(child, out)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = Json.object();
            node.properties().forEach(e -> copy.set(e.getKey(), deconstruct(e.getValue(), out)));
            return copy;
        }
        return node;
    }

    /**
     * Checks that the tree holds exactly {@code expected} placeholders, numbered 0 to
     * {@code expected - 1}, each number once. Doing this on the text header lets a bad packet
     * fail before its attachments are waited for.
     *
     * @throws SocketProtocolException if a placeholder is malformed, out of range or repeated, or
     *                                 the count differs
     */
    static void check(JsonNode node, int expected) {
        boolean[] seen = new boolean[expected];
        int found = check(node, seen, 0);
        if (found != expected) {
            throw new SocketProtocolException("attachments count mismatch: " + expected
                    + " announced, " + found + " placeholders");
        }
    }

    private static int check(JsonNode node, boolean[] seen, int found) {
        if (isPlaceholder(node)) {
            JsonNode num = node.get(NUM);
            if (node.size() != 2 || num == null || !num.isIntegralNumber() || !num.canConvertToInt()) {
                throw new SocketProtocolException("malformed placeholder " + node);
            }
            int n = num.intValue();
            if (n < 0 || n >= seen.length) {
                throw new SocketProtocolException("attachments count mismatch: placeholder " + n
                        + " of " + seen.length + " attachments");
            }
            if (seen[n]) {
                throw new SocketProtocolException("attachments count mismatch: placeholder " + n + " repeated");
            }
            seen[n] = true;
            return found + 1;
        }
        int total = found;
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                total = check(child, seen, total);
            }
        }
        return total;
    }

    /**
     * Replaces, in place, every placeholder of a tree that passed {@link #check} by a
     * {@link BinaryNode} of its attachment; returns the tree (a new node only if the root itself
     * was a placeholder).
     */
    static JsonNode reconstruct(JsonNode node, List<byte[]> attachments) {
        if (isPlaceholder(node)) {
            return BinaryNode.valueOf(attachments.get(node.get(NUM).intValue()));
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, reconstruct(array.get(i), attachments));
            }
        } else if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                e.setValue(reconstruct(e.getValue(), attachments));
            }
        }
        return node;
    }

    private static boolean isPlaceholder(JsonNode node) {
        return node.isObject() && node.path(PLACEHOLDER).isBoolean() && node.path(PLACEHOLDER).booleanValue();
    }
}
