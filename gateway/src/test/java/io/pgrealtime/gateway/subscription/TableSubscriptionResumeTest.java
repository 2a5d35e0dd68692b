package io.pgrealtime.gateway.subscription;

import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.session.ClientSession;
import io.pgrealtime.gateway.session.RecordingOutbound;
import io.pgrealtime.gateway.session.SharedFrame;
import io.pgrealtime.protocol.StreamId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-over from replay to live delivery of a resuming subscription (pure logic). */
class TableSubscriptionResumeTest {


    private static StreamId id(int n) {
        return StreamId.parse("1000-" + n);
    }

    private static SharedFrame msg(int n) {
        return new SharedFrame(("m" + n).getBytes(StandardCharsets.UTF_8));
    }

    private static TableSubscription recovering(RecordingOutbound r) {
        ClientSession s = new ClientSession("c", Principal.ANONYMOUS, r, "test",
                io.pgrealtime.gateway.transport.websocket.RawWire.INSTANCE);
        return new TableSubscription(s, "table:public.t", "public.t", null, false, List.of("id"), true);
    }

    @Test
    void eventsHeldDuringReplayAreSentOnceAfterIt() {
        RecordingOutbound r = new RecordingOutbound();
        TableSubscription sub = recovering(r);
        sub.deliver(id(2), msg(2), 100);
        sub.deliver(id(3), msg(3), 100);
        assertThat(r.sent).as("held while recovering").isEmpty();
        sub.replay(id(1), "m1".getBytes(StandardCharsets.UTF_8));
        sub.replay(id(2), "m2".getBytes(StandardCharsets.UTF_8));
        sub.goLive();
        assertThat(r.sent).containsExactly("m1", "m2", "m3");
    }

    /** The replay's XRANGE may have read further than the stream reader: the reader's late copies are skipped. */
    @Test
    void liveEventsAlreadyReplayedAreNotSentAgain() {
        RecordingOutbound r = new RecordingOutbound();
        TableSubscription sub = recovering(r);
        for (int n = 1; n <= 4; n++) {
            sub.replay(id(n), ("m" + n).getBytes(StandardCharsets.UTF_8));
        }
        sub.goLive();
        for (int n = 3; n <= 6; n++) {
            sub.deliver(id(n), msg(n), 100);
        }
        assertThat(r.sent).containsExactly("m1", "m2", "m3", "m4", "m5", "m6");
    }
}
