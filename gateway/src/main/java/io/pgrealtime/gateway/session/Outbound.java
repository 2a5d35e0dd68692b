package io.pgrealtime.gateway.session;

/**
 * The transport side of a session: how bytes reach one client. Implemented once per transport
 * (raw WebSocket, Socket.IO); the session, channel and subscription model never see more.
 *
 * <p>Thread-safe: {@link #send} is called from the connection's own event loop (where the fan-out
 * runs) and from other threads (replay, broadcasts, presence).
 */
public interface Outbound {

    /** Runs tasks on the calling thread: the {@link #loop()} of an outbound without an event loop. */
    java.util.concurrent.Executor CALLING_THREAD = Runnable::run;

    /**
     * The event loop on which the fan-out delivers to this connection, the same for the whole
     * life of the connection (per-connection order depends on it); {@link #CALLING_THREAD} when
     * the transport has none (tests): the fan-out then delivers on its own thread.
     */
    default java.util.concurrent.Executor loop() {
        return CALLING_THREAD;
    }

    /**
     * Queues one encoded server message (UTF-8 JSON of protocol.md §1). The array is shared with
     * other connections and must not be modified.
     *
     * @return false when the connection's outbound buffer is over its limit (the message is not
     *         queued; the caller drops the client with SLOW_CONSUMER)
     */
    boolean send(byte[] json);

    /**
     * Like {@link #send} but may leave the message queued, unwritten, in its event loop's
     * {@code LoopWriter} until the fan-out flushes the writers at the end of its batch: each
     * connection then gets one system call for all of the batch's messages. Where the transport
     * writes WebSocket frames, the frame built once for all connections is used.
     */
    default boolean write(SharedFrame message) {
        return send(message.bytes());
    }

    /**
     * Sends {@code lastMessage} (if not null, even when the buffer is full), then a close frame with
     * this status and reason.
     */
    void close(int status, String reason, byte[] lastMessage);

    boolean isOpen();
}
