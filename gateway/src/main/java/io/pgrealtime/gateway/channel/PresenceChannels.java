package io.pgrealtime.gateway.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.gateway.presence.PresenceEventHandler;
import io.pgrealtime.gateway.presence.PresenceManager;
import io.pgrealtime.gateway.presence.PresenceMember;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.gateway.session.Wire;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.PresenceChannel;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Presence rooms ({@code presence:{room}}) across nodes. Subscribing joins the room with a state;
 * the joiner gets a {@code sync} of every member (itself included), the other subscribers on
 * every node a {@code join}; leaving, unsubscribing, disconnecting, or the node dying (lease) gives
 * a {@code leave}. A {@code presence} message updates the member's state and is announced as a
 * {@code join} carrying the new state (as Phoenix presence does for a meta update).
 *
 * <p>The {@link PresenceManager} holds the members (Redis across nodes) and raises the events on
 * every node; this class forwards them to the local subscribers. Thread-safe.
 */
public final class PresenceChannels implements PresenceEventHandler {
    private final Supplier<PresenceManager> manager;
    private final String nodeId;
    private final Map<String, Set<ClientSession>> local = new ConcurrentHashMap<>();

    /**
     * @param manager supplies the node's presence manager (created after this handler)
     * @param nodeId  this node
     */
    public PresenceChannels(Supplier<PresenceManager> manager, String nodeId) {
        this.manager = manager;
        this.nodeId = nodeId;
    }

    /** Joins a room; {@code acked} runs (before the sync) once the member is stored. */
    public void join(ClientSession s, PresenceChannel channel, JsonNode state, Runnable acked) {
        String room = channel.room();
        JsonNode st = state == null ? Json.object() : state;
        PresenceMember member = PresenceMember.of(s.id(), s.principal().userId(), nodeId, st);
        local.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(s);
        s.subscriptions().put(channel.name(), channel);
        manager.get().join(room, member).thenCompose(joined -> manager.get().members(room)).whenComplete((members, err) -> {
            if (err != null) {
                s.error(new GatewayException(ErrorCode.SUBSCRIPTION_FAILED, "presence join failed; try again"), null,
                        channel.name());
                return;
            }
            acked.run();
            byte[] sync = s.wire().presenceSync(room, members);
            if (sync != null) {
                s.send(sync);
            }
        });
    }

    /** Updates the caller's state in a room it joined. */
    public void update(ClientSession s, PresenceChannel channel, JsonNode state) {
        if (!s.subscriptions().containsKey(channel.name())) {
            throw new GatewayException(ErrorCode.INVALID_CHANNEL, "subscribe to " + channel.name() + " before sending presence");
        }
        manager.get().update(channel.room(), s.id(), state == null ? Json.object() : state);
    }

    public void leave(ClientSession s, PresenceChannel channel) {
        if (s.subscriptions().remove(channel.name()) != null) {
            removeLocal(s, channel.room());
            manager.get().leave(channel.room(), s.id());
        }
    }

    public void closed(ClientSession s) {
        boolean any = false;
        for (Object sub : s.subscriptions().values()) {
            if (sub instanceof PresenceChannel p) {
                removeLocal(s, p.room());
                any = true;
            }
        }
        if (any) {
            manager.get().leaveAll(s.id());
        }
    }

    private void removeLocal(ClientSession s, String room) {
        Set<ClientSession> set = local.get(room);
        if (set != null) {
            set.remove(s);
            local.computeIfPresent(room, (r, v) -> v.isEmpty() ? null : v);
        }
    }

    @Override
    public void onJoin(String room, PresenceMember member) {
        announce(room, member, true);
    }

    @Override
    public void onUpdate(String room, PresenceMember member) {
        announce(room, member, true);
    }

    @Override
    public void onLeave(String room, PresenceMember member) {
        announce(room, member, false);
    }

    private void announce(String room, PresenceMember member, boolean joined) {
        Set<ClientSession> set = local.get(room);
        if (set == null || set.isEmpty()) {
            return;
        }
        Map<Wire, byte[]> encoded = new IdentityHashMap<>(2);
        for (ClientSession s : set) {
            if (!s.id().equals(member.connectionId())) {
                byte[] m = encoded.computeIfAbsent(s.wire(), w -> {
                    byte[] b = joined ? w.presenceJoin(room, member) : w.presenceLeave(room, member);
                    return b == null ? new byte[0] : b;
                });
                if (m.length > 0) {
                    s.send(m);
                }
            }
        }
    }

    /** The raw protocol's member object: {@code {id, user_id, state?}}. */
    public static ObjectNode memberJson(PresenceMember m, boolean withState) {
        ObjectNode o = Json.object();
        o.put("id", m.connectionId());
        if (m.userId() == null) {
            o.putNull("user_id");
        } else {
            o.put("user_id", m.userId());
        }
        if (withState) {
            o.set("state", m.state() == null ? Json.object() : m.state());
        }
        return o;
    }

    /** Rooms with local subscribers (for the admin API). */
    public Set<String> localRooms() {
        return Set.copyOf(local.keySet());
    }
}
