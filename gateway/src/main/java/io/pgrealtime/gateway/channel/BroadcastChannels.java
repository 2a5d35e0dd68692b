package io.pgrealtime.gateway.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.gateway.broker.Broker;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.gateway.session.Wire;
import io.pgrealtime.protocol.BroadcastChannel;
import io.pgrealtime.protocol.Json;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Broadcast topics across all nodes: a message published on {@code broadcast:{topic}} reaches
 * every session subscribed to that topic on any node, except the sender unless it asks for
 * {@code self}. Messages travel through the {@link Broker} (at-most-once, ordered per publisher);
 * this class keeps the local subscribers and asks the broker for a topic while it has any.
 *
 * <p>Envelope on the broker: a JSON object {@code {from, user, self, server, topic, event, payload}}.
 * Every node decodes it once and encodes it once per wire (raw WebSocket, Socket.IO) of its
 * local subscribers, so clients of both protocols in one room see each other's messages.
 * {@code server} marks an event of the server-side API ({@link #emit}); it is a field of its own,
 * never part of the event name or topic, so no client input can set it (issue 10: a client event
 * named {@code "!x"} used to be delivered as the server's bare {@code x}).
 *
 * <p>Which rooms clients may address is {@link #rooms()}'s rule; the transports check it before
 * calling {@link #subscribe} or {@link #publish} for a client.
 */
public final class BroadcastChannels {
    private final Broker broker;
    private final String channelPrefix;
    private final Map<String, Set<ClientSession>> local = new ConcurrentHashMap<>();
    private final RoomPolicy rooms = new RoomPolicy();

    /**
     * @param broker        the node's broker
     * @param channelPrefix prefix of broker channel names for topics
     */
    public BroadcastChannels(Broker broker, String channelPrefix) {
        this.broker = broker;
        this.channelPrefix = channelPrefix;
    }

    /** The node's rule for the rooms and event names clients may use (with its room validators). */
    public RoomPolicy rooms() {
        return rooms;
    }

    /** Subscribes a session; completes when this node receives the topic from every node. */
    public java.util.concurrent.CompletableFuture<Void> subscribe(ClientSession s, BroadcastChannel channel) {
        return subscribe(s, channel.topic(), channel);
    }

    /**
     * Subscribes a session to a topic, recording {@code marker} in its subscriptions under the
     * marker's channel name ({@code broadcast:{topic}}).
     */
    public java.util.concurrent.CompletableFuture<Void> subscribe(ClientSession s, String topic, BroadcastChannel marker) {
        boolean added = local.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(s);
        if (!added) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        s.subscriptions().put(marker.name(), marker);
        return broker.subscribe(channelPrefix + topic);
    }

    public void unsubscribe(ClientSession s, BroadcastChannel channel) {
        if (s.subscriptions().remove(channel.name()) != null) {
            leave(s, channel.topic());
        }
    }

    private void leave(ClientSession s, String topic) {
        Set<ClientSession> set = local.get(topic);
        if (set != null && set.remove(s)) {
            broker.unsubscribe(channelPrefix + topic);
            local.computeIfPresent(topic, (t, v) -> v.isEmpty() ? null : v);
        }
    }

    /**
     * Sends a message to a topic on every node. Subscribers receive it as a room message (raw: a
     * {@code broadcast} with its sender; Socket.IO: {@code room:{event}} with {@code sender}, or
     * {@code direct} with {@code from} on a {@code socket:} topic).
     *
     * @param sender the publishing session (excluded from delivery unless {@code self}), or null
     */
    public void publish(ClientSession sender, String topic, String event, JsonNode payload, boolean self) {
        send(sender, topic, event, payload, self, false);
    }

    /**
     * Sends an event of the server-side API to a topic on every node, delivered to every subscriber
     * in the wire's server shape ({@link ServerEventWire}; Socket.IO: the bare event name).
     */
    public void emit(String topic, String event, JsonNode payload) {
        send(null, topic, event, payload, true, true);
    }

    private void send(ClientSession sender, String topic, String event, JsonNode payload, boolean self, boolean server) {
        if (event == null || event.isBlank()) {
            throw new GatewayException(ErrorCode.INVALID_MESSAGE, "missing field 'event'");
        }
        ObjectNode env = Json.object();
        env.put("topic", topic);
        env.put("event", event);
        env.set("payload", payload == null ? Json.object() : payload);
        if (sender != null) {
            env.put("from", sender.id());
            if (sender.principal().userId() != null) {
                env.put("user", sender.principal().userId());
            }
        }
        env.put("self", self);
        if (server) {
            env.put("server", true);
        }
        broker.publish(channelPrefix + topic, env.toString());
    }

    /** Convenience for the raw protocol. */
    public void publish(ClientSession sender, BroadcastChannel channel, String event, JsonNode payload, boolean self) {
        publish(sender, channel.topic(), event, payload, self);
    }

    /** Delivers a broadcast locally only (every node calls this for database broadcasts it reads itself). */
    public void deliverLocal(String topic, String event, JsonNode payload) {
        deliver(topic, event, payload, null, null, true, false);
    }

    private void deliver(String topic, String event, JsonNode payload, String from, String user, boolean self,
            boolean server) {
        Set<ClientSession> set = local.get(topic);
        if (set == null || set.isEmpty()) {
            return;
        }
        Map<Wire, byte[]> encoded = new IdentityHashMap<>(2);
        for (ClientSession s : set) {
            if (!self && s.id().equals(from)) {
                continue;
            }
            byte[] m = encoded.computeIfAbsent(s.wire(), w -> server
                    ? serverEvent(w, topic, event, payload)
                    : w.broadcast(topic, event, payload, user, from));
            s.send(m);
        }
    }

    /** A broker message on a topic channel; returns false if the channel is not a topic. */
    public boolean onBrokerMessage(String brokerChannel, String payload) {
        if (!brokerChannel.startsWith(channelPrefix)) {
            return false;
        }
        String topic = brokerChannel.substring(channelPrefix.length());
        Set<ClientSession> set = local.get(topic);
        if (set == null || set.isEmpty()) {
            return true;
        }
        JsonNode env;
        try {
            env = Json.mapper().readTree(payload);
        } catch (Exception e) {
            return true;
        }
        String event = env.path("event").asText();
        String from = env.path("from").asText(null);
        boolean server = env.path("server").asBoolean(false);
        if (!server && from == null && event.startsWith(RoomPolicy.LEGACY_SERVER_MARKER)) {
            // A server emit from a node of the earlier version (rolling upgrade): it marked them in
            // the name. Only envelopes without a sender count; those never come from a client.
            server = true;
            event = event.substring(RoomPolicy.LEGACY_SERVER_MARKER.length());
        }
        deliver(topic, event, env.get("payload"), from, env.path("user").asText(null), env.path("self").asBoolean(false),
                server);
        return true;
    }

    private static byte[] serverEvent(Wire w, String topic, String event, JsonNode payload) {
        return w instanceof ServerEventWire sw
                ? sw.serverEvent(topic, event, payload)
                : w.broadcast(topic, event, payload, null, null);
    }

    /** Removes a closed session from every topic. */
    public void closed(ClientSession s) {
        for (Object sub : s.subscriptions().values()) {
            if (sub instanceof BroadcastChannel b) {
                leave(s, b.topic());
            }
        }
    }

    /** Topics with local subscribers and their local counts. */
    public Map<String, Integer> localTopics() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        local.forEach((t, v) -> out.put(t, v.size()));
        return out;
    }
}
