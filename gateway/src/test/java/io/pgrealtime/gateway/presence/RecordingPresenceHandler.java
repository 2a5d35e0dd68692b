package io.pgrealtime.gateway.presence;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/** Records presence events; thread-safe. */
final class RecordingPresenceHandler implements PresenceEventHandler {
    record Event(String type, String room, PresenceMember member) {
        /** {@code type room connectionId}, for compact assertions. */
        String brief() {
            return type + " " + room + " " + member.connectionId();
        }
    }

    final List<Event> events = new CopyOnWriteArrayList<>();
    final AtomicInteger resyncs = new AtomicInteger();

    @Override
    public void onJoin(String room, PresenceMember member) {
        events.add(new Event("join", room, member));
    }

    @Override
    public void onLeave(String room, PresenceMember member) {
        events.add(new Event("leave", room, member));
    }

    @Override
    public void onUpdate(String room, PresenceMember member) {
        events.add(new Event("update", room, member));
    }

    @Override
    public void onResync() {
        resyncs.incrementAndGet();
    }

    List<String> briefs() {
        return events.stream().map(Event::brief).collect(Collectors.toList());
    }

    boolean saw(String brief) {
        return briefs().contains(brief);
    }

    Event last(String brief) {
        Event found = null;
        for (Event e : events) {
            if (e.brief().equals(brief)) {
                found = e;
            }
        }
        return found;
    }
}
