package io.pgrealtime.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.gateway.presence.PresenceMember;
import io.pgrealtime.gateway.subscription.TableSubscription;
import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.protocol.StreamId;

import java.util.List;

/**
 * How one protocol (raw WebSocket JSON, Socket.IO) encodes what the channel model delivers. The
 * channel services produce model events; each is encoded once per wire (and variant) and the same
 * bytes go to every session of that wire. Implementations are stateless and thread-safe.
 */
public interface Wire {

    /** A change event for a subscription; {@code view} is enter/stay/leave or null. Never null. */
    byte[] change(TableSubscription sub, StreamId id, ChangeEvent event, byte[] storedJson, String view);

    /** A message on a broadcast topic (room). {@code sender*} are null for database broadcasts. */
    byte[] broadcast(String topic, String event, JsonNode payload, String senderUserId, String senderConnectionId);

    /** Every member of a presence room, sent to a member that just joined; null if the wire has none. */
    byte[] presenceSync(String room, List<PresenceMember> members);

    /** A member joined (or updated its state); null if the wire does not announce it. */
    byte[] presenceJoin(String room, PresenceMember member);

    /** A member left; null if the wire does not announce it. */
    byte[] presenceLeave(String room, PresenceMember member);
}
