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
 * <p>Envelope on the broker: a JSON object {@code {from, user, self, topic, event, payload}}.
 * Every node decodes it once and encodes it once per wire (raw WebSocket, Socket.IO) of its
 * local subscribers, so clients of both protocols in one room see each other's messages.
 */
public final class BroadcastChannels {
    private final Broker broker;
    private final String channelPrefix;
    private final Map<String, Set<ClientSession>> local = new ConcurrentHashMap<>();

    /**
     * @param broker        the node's broker
     * @param channelPrefix prefix of broker channel names for topics
     */
    public BroadcastChannels(Broker broker, String channelPrefix) {
        this.broker = broker;
        this.channelPrefix = channelPrefix;
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
     * Sends a message to a topic on every node.
     *
     * @param sender the publishing session (excluded from delivery unless {@code self}), or null
     */
    public void publish(ClientSession sender, String topic, String event, JsonNode payload, boolean self) {
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
        broker.publish(channelPrefix + topic, env.toString());
    }

    /** Convenience for the raw protocol. */
    public void publish(ClientSession sender, BroadcastChannel channel, String event, JsonNode payload, boolean self) {
        publish(sender, channel.topic(), event, payload, self);
    }

    /** Delivers a broadcast locally only (every node calls this for database broadcasts it reads itself). */
    public void deliverLocal(String topic, String event, JsonNode payload) {
        deliver(topic, event, payload, null, null, true);
    }

    private void deliver(String topic, String event, JsonNode payload, String from, String user, boolean self) {
        Set<ClientSession> set = local.get(topic);
        if (set == null || set.isEmpty()) {
            return;
        }
        Map<Wire, byte[]> encoded = new IdentityHashMap<>(2);
        for (ClientSession s : set) {
            if (!self && s.id().equals(from)) {
                continue;
            }
            byte[] m = encoded.computeIfAbsent(s.wire(), w -> w.broadcast(topic, event, payload, user, from));
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
        deliver(topic, env.path("event").asText(), env.get("payload"), env.path("from").asText(null),
                env.path("user").asText(null), env.path("self").asBoolean(false));
        return true;
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
