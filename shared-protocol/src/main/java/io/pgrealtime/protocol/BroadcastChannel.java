package io.pgrealtime.protocol;

/**
 * A broadcast topic (a Socket.IO room of the same name): {@code broadcast:{topic}}. The topic is
 * any non-empty string without whitespace or control characters; it may contain {@code :}.
 */
public record BroadcastChannel(String topic) implements Channel {
    /** Channel prefix. */
    public static final String PREFIX = "broadcast";

    /** @throws ChannelException if the topic is empty, too long or contains whitespace/control chars */
    public BroadcastChannel {
        ChannelNames.checkFreeName("topic", topic, PREFIX.length());
    }

    @Override
    public String name() {
        return PREFIX + ":" + topic;
    }
}
