package io.pgrealtime.gateway.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An {@link Outbound} that records what a session was sent, as text (pure-logic tests). */
public final class RecordingOutbound implements Outbound {
    public final List<String> sent = new ArrayList<>();

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
