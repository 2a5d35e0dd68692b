package io.pgrealtime.gateway.broker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/** Records what a broker delivers; thread-safe. */
final class RecordingBrokerHandler implements BrokerEventHandler {
    record Message(String channel, String payload) {
    }

    final List<Message> messages = new CopyOnWriteArrayList<>();
    final List<String> nodeMessages = new CopyOnWriteArrayList<>();
    final AtomicInteger resubscribed = new AtomicInteger();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(String channel, String payload) {
        threads.add(Thread.currentThread().getName());
        messages.add(new Message(channel, payload));
    }

    @Override
    public void onNodeMessage(String payload) {
        nodeMessages.add(payload);
    }

    @Override
    public void onResubscribed() {
        resubscribed.incrementAndGet();
    }

    List<String> payloads(String channel) {
        return messages.stream().filter(m -> m.channel().equals(channel)).map(Message::payload).collect(Collectors.toList());
    }

    boolean received(String channel, String payload) {
        return messages.contains(new Message(channel, payload));
    }
}
