package io.pgrealtime.gateway.session;

/**
 * The transport side of a session: how bytes reach one client. Implemented once per transport
 * (raw WebSocket, Socket.IO); the session, channel and subscription model never see more.
 *
 * <p>Thread-safe: {@link #send} is called from the fan-out thread and from the connection's own
 * event loop.
 */
public interface Outbound {

    /**
     * Queues one encoded server message (UTF-8 JSON of protocol.md §1). The array is shared with
     * other connections and must not be modified.
     *
     * @return false when the connection's outbound buffer is over its limit (the message is not
     *         queued; the caller drops the client with SLOW_CONSUMER)
     */
    boolean send(byte[] json);

    /**
     * Like {@link #send} but may leave the message unflushed until {@link #flush()}: the fan-out
     * writes a batch of events and flushes each connection once, instead of a system call per
     * message.
     */
    default boolean write(byte[] json) {
        return send(json);
    }

    /** Flushes what {@link #write} left unflushed. */
    default void flush() {
    }

    /**
     * Sends {@code lastMessage} (if not null, even when the buffer is full), then a close frame with
     * this status and reason.
     */
    void close(int status, String reason, byte[] lastMessage);

    boolean isOpen();
}
