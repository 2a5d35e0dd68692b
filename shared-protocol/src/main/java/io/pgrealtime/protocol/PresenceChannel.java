package io.pgrealtime.protocol;

/**
 * The presence of a room (a Socket.IO room of the same name): {@code presence:{room}}. The room is
 * any non-empty string without whitespace or control characters; it may contain {@code :}.
 */
public record PresenceChannel(String room) implements Channel {
    /** Channel prefix. */
    public static final String PREFIX = "presence";

    /** @throws ChannelException if the room is empty, too long or contains whitespace/control chars */
    public PresenceChannel {
        ChannelNames.checkFreeName("room", room, PREFIX.length());
    }

    @Override
    public String name() {
        return PREFIX + ":" + room;
    }
}
