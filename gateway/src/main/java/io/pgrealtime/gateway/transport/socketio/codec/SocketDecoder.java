package io.pgrealtime.gateway.transport.socketio.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.protocol.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decodes Socket.IO v5 packets from the Engine.IO messages of one connection: an explicit state
 * machine, since a BINARY_EVENT or BINARY_ACK arrives as a text header followed by its
 * attachments, each in its own message.
 *
 * <pre>
 *                 text (not binary, or 0 attachments) → packet
 *               ┌───────────────┐
 *               ▼               │
 *        AWAITING_PACKET ───────┘
 *           │        ▲
 *  text n-… │        │ n-th attachment → packet (placeholders replaced)
 *           ▼        │
 *        AWAITING_ATTACHMENTS ── attachment 1..n-1 → nothing yet
 *
 *  any malformed input, binary in AWAITING_PACKET, text in AWAITING_ATTACHMENTS → FAILED
 * </pre>
 *
 * <p>Contract: every call returns the completed packet, or empty while attachments are awaited,
 * or throws {@link SocketProtocolException}; no other exception escapes, and no input makes a
 * call loop. Refused: an unknown type digit; a binary type without {@code <count>-}; more than
 * {@link #maxAttachments()} attachments; a namespace that is too long or holds a comma or control
 * character; an ack id that is not digits or does not fit an {@code int}; invalid JSON; a
 * payload or ack id that does not suit the type (see {@link SocketPacketType}); placeholders that
 * do not number the announced attachments exactly once each; a binary message nobody announced;
 * text while attachments are awaited.
 *
 * <p>After a {@link SocketProtocolException} the decoder is FAILED and refuses all input: the
 * specification says the connection must then be closed. {@link #reset()} makes it usable again.
 *
 * <p>Not thread-safe: one decoder per connection, fed in arrival order.
 *
 * @see <a href="https://github.com/socketio/socket.io-protocol#packet-encoding">Socket.IO v5 packet encoding</a>
 */
public final class SocketDecoder {
    /** Default {@link #maxAttachments()}: 10, as the reference parser. */
    public static final int DEFAULT_MAX_ATTACHMENTS = 10;

    private enum State { AWAITING_PACKET, AWAITING_ATTACHMENTS, FAILED }

    /** A binary packet's header, parsed and checked, waiting for its attachments. */
    private record Pending(SocketPacketType type, String namespace, Integer ackId, JsonNode data, int attachments) {
    }

    private final int maxAttachments;
    private State state = State.AWAITING_PACKET;
    private Pending pending;
    private final List<byte[]> received = new ArrayList<>();

    /** A decoder accepting up to {@link #DEFAULT_MAX_ATTACHMENTS} attachments per packet. */
    public SocketDecoder() {
        this(DEFAULT_MAX_ATTACHMENTS);
    }

    /** A decoder accepting up to {@code maxAttachments} (0 or more) attachments per packet. */
    public SocketDecoder(int maxAttachments) {
        if (maxAttachments < 0) {
            throw new IllegalArgumentException("maxAttachments must not be negative");
        }
        this.maxAttachments = maxAttachments;
    }

    /** The most binary attachments one packet may announce. */
    public int maxAttachments() {
        return maxAttachments;
    }

    /** Whether a binary packet's header has arrived and its attachments are awaited. */
    public boolean isAwaitingAttachments() {
        return state == State.AWAITING_ATTACHMENTS;
    }

    /** Whether the decoder refused input and refuses everything until {@link #reset()}. */
    public boolean isFailed() {
        return state == State.FAILED;
    }

    /** Drops any partial packet and the failed state. */
    public void reset() {
        state = State.AWAITING_PACKET;
        pending = null;
        received.clear();
    }

    /**
     * Feeds the text of an Engine.IO message.
     *
     * @return the packet, or empty if it is a binary packet whose attachments are still to come
     * @throws SocketProtocolException if the text is not a valid packet, or attachments are awaited
     */
    public Optional<SocketPacket> decodeText(String text) {
        switch (state) {
            case AWAITING_PACKET -> {
                try {
                    return decodeHeader(text);
                } catch (SocketProtocolException e) {
                    throw fail(e);
                }
            }
            case AWAITING_ATTACHMENTS -> throw fail(new SocketProtocolException("got text while awaiting attachment "
                    + (received.size() + 1) + " of " + pending.attachments()));
            default -> throw failed();
        }
    }

    /**
     * Feeds the bytes of a binary Engine.IO message: the next attachment of the pending packet.
     * The array is not copied.
     *
     * @return the packet once this was its last attachment, else empty
     * @throws SocketProtocolException if no binary packet announced an attachment
     */
    public Optional<SocketPacket> decodeBinary(byte[] attachment) {
        switch (state) {
            case AWAITING_ATTACHMENTS -> {
                received.add(attachment);
                if (received.size() < pending.attachments()) {
                    return Optional.empty();
                }
                Pending p = pending;
                JsonNode data = BinaryPlaceholders.reconstruct(p.data(), List.copyOf(received));
                reset();
                return Optional.of(new SocketPacket(p.type(), p.namespace(), p.ackId(), data, p.attachments()));
            }
            case AWAITING_PACKET -> throw fail(new SocketProtocolException("unexpected binary message: no attachment announced"));
            default -> throw failed();
        }
    }

    /** Parses {@code <type>[<n>-][<namespace>,][<ack id>][<json>]}, one field per step. */
    private Optional<SocketPacket> decodeHeader(String text) {
        if (text.isEmpty()) {
            throw new SocketProtocolException("empty packet");
        }
        SocketPacketType type = SocketPacketType.forCode(text.charAt(0));
        int i = 1;
        int attachments = 0;
        if (type.isBinary()) {
            int dash = skipDigits(text, i);
            if (dash == i || dash == text.length() || text.charAt(dash) != '-') {
                throw new SocketProtocolException(type + " needs '<attachments>-' after the type");
            }
            // Nine digits always fit an int; anything longer is over any sane limit anyway.
            if (dash - i > 9 || (attachments = Integer.parseInt(text, i, dash, 10)) > maxAttachments) {
                throw new SocketProtocolException("too many attachments: " + text.substring(i, dash)
                        + " > " + maxAttachments);
            }
            i = dash + 1;
        }

        String namespace = SocketPacket.DEFAULT_NAMESPACE;
        if (i < text.length() && text.charAt(i) == '/') {
            // The namespace runs to the first comma; without one (e.g. "1/admin") to the end.
            int comma = text.indexOf(',', i);
            int end = comma < 0 ? text.length() : comma;
            namespace = text.substring(i, Math.min(end, i + SocketPacket.MAX_NAMESPACE_LENGTH + 1));
            String problem = SocketPacket.namespaceProblem(namespace);
            if (problem != null) {
                throw new SocketProtocolException("bad namespace: " + problem);
            }
            i = comma < 0 ? text.length() : comma + 1;
        }

        Integer ackId = null;
        int digitsEnd = skipDigits(text, i);
        if (digitsEnd > i) {
            // Ten digits may still overflow an int, so parse as long; more is out of range anyway.
            long id = digitsEnd - i > 10 ? Long.MAX_VALUE : Long.parseLong(text, i, digitsEnd, 10);
            if (id > Integer.MAX_VALUE) {
                throw new SocketProtocolException("ack id out of range: " + abbreviate(text.substring(i, digitsEnd)));
            }
            ackId = (int) id;
            i = digitsEnd;
        }

        JsonNode data = null;
        if (i < text.length()) {
            char c = text.charAt(i);
            if (c != '[' && c != '{' && c != '"') {
                throw new SocketProtocolException("expected " + (ackId == null ? "an ack id or " : "")
                        + "a JSON array, object or string at index " + i + ", found " + EnginePacketType.describe(c));
            }
            data = parseJson(text.substring(i));
        }

        String problem = type.ackIdProblem(ackId);
        if (problem == null) {
            problem = type.dataProblem(data);
        }
        if (problem != null) {
            throw new SocketProtocolException(problem);
        }
        if (!type.isBinary()) {
            return Optional.of(new SocketPacket(type, namespace, ackId, data, 0));
        }
        BinaryPlaceholders.check(data, attachments);
        if (attachments == 0) {
            return Optional.of(new SocketPacket(type, namespace, ackId, data, 0));
        }
        pending = new Pending(type, namespace, ackId, data, attachments);
        state = State.AWAITING_ATTACHMENTS;
        return Optional.empty();
    }

    private static int skipDigits(String text, int from) {
        int i = from;
        // ASCII only: Character.isDigit would let other scripts' digits through to parseInt.
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private static JsonNode parseJson(String json) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(json);
        } catch (Exception e) {
            // Mostly JsonProcessingException, but extreme number forms can surface as runtime
            // exceptions from the number parsers; all are the peer's fault.
            throw new SocketProtocolException("invalid JSON payload", e);
        }
        if (node == null || node.isMissingNode()) {
            throw new SocketProtocolException("invalid JSON payload");
        }
        return node;
    }

    private SocketProtocolException fail(SocketProtocolException e) {
        reset();
        state = State.FAILED;
        return e;
    }

    private static SocketProtocolException failed() {
        return new SocketProtocolException("decoder failed on earlier input; close the connection or reset()");
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "…";
    }
}
