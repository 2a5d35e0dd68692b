package io.pgrealtime.gateway.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.gateway.broker.Broker;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;
import io.pgrealtime.gateway.protocol.ServerMessages;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.protocol.BroadcastChannel;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Broadcast topics across all nodes: a message published on {@code broadcast:{topic}} reaches
 * every session subscribed to that topic on any node, except the sender unless it asks for
 * {@code self}. Messages travel through the {@link Broker} (at-most-once, ordered per publisher);
 * this class keeps the local subscribers and asks the broker for a topic while it has any.
 *
 * <p>Envelope on the broker: {@code <sender connection id or "-">\n<encoded server message>}, so
 * the message is encoded once by the publishing node and written as is by every node.
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
        String topic = channel.topic();
        boolean added = local.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(s);
        if (!added) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        s.subscriptions().put(channel.name(), channel);
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

    /** Sends a client's broadcast to every node. */
    public void publish(ClientSession sender, BroadcastChannel channel, String event, JsonNode payload, boolean self) {
        if (event == null || event.isBlank()) {
            throw new GatewayException(ErrorCode.INVALID_MESSAGE, "missing field 'event'");
        }
        byte[] message = ServerMessages.broadcast(channel.name(), event, payload);
        String from = self || sender == null ? "-" : sender.id();
        broker.publish(channelPrefix + channel.topic(), from + "\n" + new String(message, StandardCharsets.UTF_8));
    }

    /** Delivers a broadcast locally only (every node calls this for database broadcasts it reads itself). */
    public void deliverLocal(String topic, String event, JsonNode payload) {
        Set<ClientSession> set = local.get(topic);
        if (set == null || set.isEmpty()) {
            return;
        }
        byte[] message = ServerMessages.broadcast("broadcast:" + topic, event, payload);
        for (ClientSession s : set) {
            s.send(message);
        }
    }

    /** A broker message on a topic channel; returns false if the channel is not a topic. */
    public boolean onBrokerMessage(String brokerChannel, String payload) {
        if (!brokerChannel.startsWith(channelPrefix)) {
            return false;
        }
        Set<ClientSession> set = local.get(brokerChannel.substring(channelPrefix.length()));
        if (set == null || set.isEmpty()) {
            return true;
        }
        int nl = payload.indexOf('\n');
        if (nl < 0) {
            return true;
        }
        String from = payload.substring(0, nl);
        byte[] message = payload.substring(nl + 1).getBytes(StandardCharsets.UTF_8);
        for (ClientSession s : set) {
            if (!s.id().equals(from)) {
                s.send(message);
            }
        }
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
