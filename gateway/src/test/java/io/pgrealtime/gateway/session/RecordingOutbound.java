package io.pgrealtime.gateway.session;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link Outbound} that records what a session was sent, as text (pure-logic tests). Thread-safe:
 * a broker may deliver on its own thread.
 */
public final class RecordingOutbound implements Outbound {
    public final List<String> sent = new CopyOnWriteArrayList<>();

    @Override
    public boolean send(byte[] json) {
        sent.add(new String(json, StandardCharsets.UTF_8));
        return true;
    }

    @Override
    public void close(int status, String reason, byte[] lastMessage) {
    }

    @Override
    public boolean isOpen() {
        return true;
    }
}
