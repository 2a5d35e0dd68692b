package io.pgrealtime.protocol;

/**
 * A channel of the shared channel model (protocol section 1): the changes of one table, a
 * broadcast topic, or the presence of a room. Transports map their own addressing onto it.
 *
 * <p>Every implementation validates on construction, so a {@code Channel} in hand is always
 * well-formed; {@link #name()} gives its canonical string and {@code parse(c.name())} equals
 * {@code c}.
 */
public sealed interface Channel permits TableChannel, BroadcastChannel, PresenceChannel {
    /** Longest channel string accepted, in chars. */
    int MAX_LENGTH = 255;

    /** Canonical channel string, e.g. {@code table:public.users}. */
    String name();

    /**
     * Parses {@code table:{schema}.{table}}, {@code table:{table}} (schema {@code public}),
     * {@code broadcast:{topic}} or {@code presence:{room}}.
     *
     * @throws ChannelException (code {@code INVALID_CHANNEL}) for null or empty input, more than
     *         {@value #MAX_LENGTH} chars, whitespace or control characters, an unknown prefix, an
     *         empty name, or an invalid table reference
     */
    static Channel parse(String channel) {
        if (channel == null || channel.isEmpty()) {
            throw new ChannelException("channel is missing or empty");
        }
        if (channel.length() > MAX_LENGTH) {
            throw new ChannelException("channel is longer than " + MAX_LENGTH + " characters");
        }
        int colon = channel.indexOf(':');
        String prefix = colon < 0 ? "" : channel.substring(0, colon);
        String rest = colon < 0 ? "" : channel.substring(colon + 1);
        return switch (prefix) {
            case TableChannel.PREFIX -> TableChannel.fromCollection(rest);
            case BroadcastChannel.PREFIX -> new BroadcastChannel(rest);
            case PresenceChannel.PREFIX -> new PresenceChannel(rest);
            default -> throw new ChannelException("unknown channel type in '" + ChannelNames.printable(channel)
                    + "'; expected table:, broadcast: or presence:");
        };
    }
}
