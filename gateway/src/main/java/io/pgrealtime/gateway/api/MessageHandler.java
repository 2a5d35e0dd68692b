package io.pgrealtime.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.gateway.auth.Principal;

/**
 * Server-side handler of a Socket.IO {@code custom} event, registered with
 * {@link RealtimeServer#registerMessageHandler}. Runs on an I/O thread; may block briefly.
 */
@FunctionalInterface
public interface MessageHandler {
    /**
     * @param caller   who sent it
     * @param socketId the sending socket
     * @param payload  the event's payload
     * @return the {@code result} of the ack (may be null)
     */
    JsonNode handle(Principal caller, String socketId, JsonNode payload);
}
