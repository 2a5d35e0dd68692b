package io.pgrealtime.gateway.presence;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The {@link PresenceManager} contract: every implementation runs these bodies, with two nodes
 * sharing one backend (one Redis, one memory store) where the behaviour is about nodes. Negative
 * checks ("nothing was announced") make a later change and rely on event order, instead of sleeping.
 */
abstract class PresenceContract extends ContractSupport {

    /** A node of this test's cluster; register what must be closed with {@link #closeLater}. */
    protected abstract PresenceManager newNode(String nodeId, PresenceEventHandler handler);

    static PresenceMember member(String conn, String user, PresenceManager node, String state) {
        return PresenceMember.of(conn, user, node.nodeId(), json(state));
    }

    @Test
    void aJoinIsAnnouncedOnEveryNodeAndVisibleEverywhere() {
        RecordingPresenceHandler ha = new RecordingPresenceHandler();
        RecordingPresenceHandler hb = new RecordingPresenceHandler();
        PresenceManager a = newNode("node-a", ha);
        PresenceManager b = newNode("node-b", hb);
        PresenceMember ann = member("c1", "u1", a, "{\"name\":\"Ann\"}");

        assertThat(done(a.join("lobby", ann))).isTrue();
        await().atMost(WAIT).until(() -> hb.saw("join lobby c1") && ha.saw("join lobby c1"));
        assertThat(hb.last("join lobby c1").member()).isEqualTo(ann);
        assertThat(done(b.members("lobby"))).containsExactly(ann);
        assertThat(done(a.members("lobby"))).containsExactly(ann);
        assertThat(done(b.count("lobby"))).isEqualTo(1L);
        assertThat(done(b.rooms())).containsExactly(Map.entry("lobby", 1L));
        assertThat(done(b.members("elsewhere"))).isEmpty();
        assertThat(done(b.count("elsewhere"))).isZero();
    }

    @Test
    void aLeaveIsAnnouncedEverywhereAndAnEmptyRoomDisappears() {
        RecordingPresenceHandler hb = new RecordingPresenceHandler();
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        PresenceManager b = newNode("node-b", hb);
        PresenceMember ann = member("c1", "u1", a, "{}");
        PresenceMember bob = member("c2", "u2", b, "{}");
        done(a.join("lobby", ann));
        done(b.join("lobby", bob));

        assertThat(done(a.leave("lobby", "c1"))).contains(ann);
        await().atMost(WAIT).until(() -> hb.saw("leave lobby c1"));
        assertThat(hb.last("leave lobby c1").member()).isEqualTo(ann);
        assertThat(done(b.members("lobby"))).containsExactly(bob);
        assertThat(done(a.rooms())).containsExactly(Map.entry("lobby", 1L));

        assertThat(done(b.leave("lobby", "c2"))).contains(bob);
        assertThat(done(a.rooms())).isEmpty();
        assertThat(done(a.count("lobby"))).isZero();
    }

    @Test
    void leavingARoomOneIsNotInChangesNothing() {
        RecordingPresenceHandler hb = new RecordingPresenceHandler();
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        PresenceManager b = newNode("node-b", hb);
        done(a.join("lobby", member("c1", "u1", a, "{}")));
        assertThat(done(a.leave("lobby", "nobody"))).isEmpty();
        assertThat(done(a.leave("other-room", "c1"))).isEmpty();
        assertThat(done(a.update("lobby", "nobody", json("{\"x\":1}")))).isEmpty();
        done(a.join("marker", member("m", "u1", a, "{}")));
        await().atMost(WAIT).until(() -> hb.saw("join marker m"));
        assertThat(hb.briefs()).containsExactly("join lobby c1", "join marker m");
        assertThat(done(b.rooms())).containsExactly(Map.entry("lobby", 1L), Map.entry("marker", 1L));
    }

    @Test
    void anUpdateReplacesTheStateAndKeepsJoinedAt() {
        RecordingPresenceHandler hb = new RecordingPresenceHandler();
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        PresenceManager b = newNode("node-b", hb);
        PresenceMember ann = member("c1", "u1", a, "{\"name\":\"Ann\"}");
        done(a.join("lobby", ann));

        Optional<PresenceMember> updated = done(a.update("lobby", "c1", json("{\"name\":\"Ann\",\"typing\":true}")));
        PresenceMember expected = ann.withState(json("{\"name\":\"Ann\",\"typing\":true}"));
        assertThat(updated).contains(expected);
        assertThat(updated.get().joinedAt()).isEqualTo(ann.joinedAt());
        await().atMost(WAIT).until(() -> hb.saw("update lobby c1"));
        assertThat(hb.last("update lobby c1").member()).isEqualTo(expected);
        assertThat(done(b.members("lobby"))).containsExactly(expected);

        // The same state again announces nothing.
        assertThat(done(a.update("lobby", "c1", json("{\"name\":\"Ann\",\"typing\":true}")))).contains(expected);
        done(a.leave("lobby", "c1"));
        await().atMost(WAIT).until(() -> hb.saw("leave lobby c1"));
        assertThat(hb.briefs()).containsExactly("join lobby c1", "update lobby c1", "leave lobby c1");
    }

    @Test
    void joiningAgainReplacesTheEntryAsAnUpdate() {
        RecordingPresenceHandler hb = new RecordingPresenceHandler();
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        PresenceManager b = newNode("node-b", hb);
        PresenceMember first = member("c1", "u1", a, "{\"v\":1}");
        PresenceMember second = first.withState(json("{\"v\":2}"));
        assertThat(done(a.join("lobby", first))).isTrue();
        assertThat(done(a.join("lobby", first))).isFalse();
        assertThat(done(a.join("lobby", second))).isFalse();
        done(a.leave("lobby", "c1"));
        await().atMost(WAIT).until(() -> hb.saw("leave lobby c1"));
        assertThat(hb.briefs()).containsExactly("join lobby c1", "update lobby c1", "leave lobby c1");
        assertThat(hb.events.get(1).member()).isEqualTo(second);
        assertThat(done(b.count("lobby"))).isZero();
    }

    @Test
    void leaveAllRemovesAConnectionFromEveryRoom() {
        RecordingPresenceHandler hb = new RecordingPresenceHandler();
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        PresenceManager b = newNode("node-b", hb);
        done(a.join("r1", member("c1", "u1", a, "{}")));
        done(a.join("r2", member("c1", "u1", a, "{}")));
        done(a.join("r2", member("c2", "u1", a, "{}")));
        done(b.join("r1", member("c3", "u3", b, "{}")));

        assertThat(done(a.leaveAll("c1"))).containsExactlyInAnyOrder("r1", "r2");
        await().atMost(WAIT).until(() -> hb.saw("leave r1 c1") && hb.saw("leave r2 c1"));
        assertThat(done(b.members("r1"))).extracting(PresenceMember::connectionId).containsExactly("c3");
        assertThat(done(b.members("r2"))).extracting(PresenceMember::connectionId).containsExactly("c2");
        assertThat(done(a.leaveAll("c1"))).isEmpty();
        assertThat(done(a.leaveAll("never-joined"))).isEmpty();
    }

    @Test
    void closingANodeIsAGracefulLeaveOfItsMembers() {
        RecordingPresenceHandler hb = new RecordingPresenceHandler();
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        PresenceManager b = newNode("node-b", hb);
        done(a.join("r1", member("a1", "u1", a, "{}")));
        done(a.join("r2", member("a1", "u1", a, "{}")));
        done(a.join("r2", member("a2", "u2", a, "{}")));
        done(b.join("r2", member("b1", "u3", b, "{}")));

        a.close();
        a.close();
        await().atMost(WAIT).until(() -> hb.saw("leave r1 a1") && hb.saw("leave r2 a1") && hb.saw("leave r2 a2"));
        assertThat(done(b.members("r2"))).extracting(PresenceMember::connectionId).containsExactly("b1");
        assertThat(done(b.rooms())).containsExactly(Map.entry("r2", 1L));
        assertThatThrownBy(() -> done(a.join("r1", member("a3", "u1", a, "{}"))))
                .hasRootCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void membersAreListedOldestFirstAndRoomsByName() {
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        PresenceManager b = newNode("node-b", new RecordingPresenceHandler());
        Instant t0 = Instant.parse("2026-01-09T10:00:00.123456789Z");
        PresenceMember late = new PresenceMember("c-late", "u1", "node-a", json("{}"), t0.plusSeconds(5));
        PresenceMember early = new PresenceMember("c-early", "u2", "node-b", json("{}"), t0);
        PresenceMember tieB = new PresenceMember("c-tie-b", "u3", "node-a", json("{}"), t0.plusSeconds(1));
        PresenceMember tieA = new PresenceMember("c-tie-a", "u4", "node-b", json("{}"), t0.plusSeconds(1));
        done(a.join("z-room", late));
        done(b.join("z-room", early));
        done(a.join("z-room", tieB));
        done(b.join("z-room", tieA));
        done(b.join("a-room", new PresenceMember("c-early", "u2", "node-b", json("{}"), t0)));

        assertThat(done(a.members("z-room"))).containsExactly(early, tieA, tieB, late);
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("a-room", 1L);
        expected.put("z-room", 4L);
        assertThat(new ArrayList<>(done(a.rooms()).entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
    }

    @Test
    void stateAndIdentityAreKeptExactly() {
        RecordingPresenceHandler hb = new RecordingPresenceHandler();
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        PresenceManager b = newNode("node-b", hb);
        String state = "{\"name\":\"Zoë 😀\",\"n\":12345678901234567890.000100,\"small\":1E-7,\"nested\":{\"list\":[1,null,true,\"x\\\"y\"]},"
                + "\"empty\":{},\"text\":\",\\\"state\\\":\"}";
        PresenceMember anon = member("c-anon", null, a, state);
        done(a.join("room", anon));
        await().atMost(WAIT).until(() -> hb.saw("join room c-anon"));
        PresenceMember seen = hb.last("join room c-anon").member();
        assertThat(seen).isEqualTo(anon);
        assertThat(seen.userId()).isNull();
        assertThat(seen.state().get("n").decimalValue().toPlainString()).isEqualTo("12345678901234567890.000100");
        assertThat(done(b.members("room"))).containsExactly(anon);
        PresenceMember noState = PresenceMember.of("c-none", "u", a.nodeId(), null);
        done(a.join("room", noState));
        assertThat(done(b.members("room"))).contains(noState);
        assertThat(noState.state().isObject() && noState.state().isEmpty()).isTrue();
        // An update keeps exact numbers too, and the tricky text in the old state does not confuse it.
        done(a.update("room", "c-anon", json("{\"n\":0.10}")));
        assertThat(done(b.members("room")).get(0).state().get("n").decimalValue().toPlainString()).isEqualTo("0.10");
    }

    @Test
    void deeplyNestedStateCanJoinUpdateAndLeave() {
        RecordingPresenceHandler hb = new RecordingPresenceHandler();
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        PresenceManager b = newNode("node-b", hb);
        int depth = 990;
        String deep = "{\"d\":" + "[".repeat(depth) + "1" + "]".repeat(depth) + "}";
        PresenceMember m = member("c1", "u1", a, deep);
        done(a.join("room", m));
        assertThat(done(a.update("room", "c1", json(deep.replace("1", "2"))))).isPresent();
        assertThat(done(a.leave("room", "c1"))).isPresent();
        await().atMost(WAIT).until(() -> hb.saw("leave room c1"));
        assertThat(done(b.rooms())).isEmpty();
        assertThat(done(a.leaveAll("c1"))).isEmpty();
    }

    @Test
    void roomNamesAreOpaqueAndDoNotCollide() {
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        List<String> rooms = List.of("rooms", "presence-rooms", "conn:c1", "a:b:c", "ünï 😀", "room\"quote", "*", "x/y");
        for (String r : rooms) {
            done(a.join(r, member("c1", "u1", a, "{}")));
        }
        Map<String, Long> all = done(a.rooms());
        assertThat(all.keySet()).containsExactlyInAnyOrderElementsOf(rooms);
        assertThat(all.values()).containsOnly(1L);
        for (String r : rooms) {
            assertThat(done(a.members(r))).extracting(PresenceMember::connectionId).containsExactly("c1");
        }
        assertThat(done(a.leaveAll("c1"))).containsExactlyInAnyOrderElementsOf(rooms);
        assertThat(done(a.rooms())).isEmpty();
    }

    @Test
    void everyNodeSeesTheChangesInTheirOrder() {
        RecordingPresenceHandler ha = new RecordingPresenceHandler();
        RecordingPresenceHandler hb = new RecordingPresenceHandler();
        PresenceManager a = newNode("node-a", ha);
        PresenceManager b = newNode("node-b", hb);
        List<CompletableFuture<?>> ops = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            PresenceManager node = i % 2 == 0 ? a : b;
            String conn = "c" + i;
            ops.add(node.join("room", member(conn, "u", node, "{}")));
            ops.add(node.update("room", conn, json("{\"i\":" + i + "}")));
            ops.add(node.leave("room", conn));
        }
        ops.forEach(ContractSupport::done);
        await().atMost(WAIT).until(() -> ha.events.size() == 150 && hb.events.size() == 150);
        assertThat(ha.briefs()).isEqualTo(hb.briefs());
        for (int i = 0; i < 50; i++) {
            String conn = "c" + i;
            List<String> own = hb.briefs().stream().filter(s -> s.endsWith(" " + conn)).collect(Collectors.toList());
            assertThat(own).containsExactly("join room " + conn, "update room " + conn, "leave room " + conn);
        }
    }

    @Test
    void concurrentJoinsFromTwoNodesAreAllCounted() throws Exception {
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        PresenceManager b = newNode("node-b", new RecordingPresenceHandler());
        List<Thread> threads = new ArrayList<>();
        for (PresenceManager node : List.of(a, b)) {
            for (int t = 0; t < 4; t++) {
                int thread = t;
                threads.add(new Thread(() -> IntStream.range(0, 50).forEach(i ->
                        done(node.join("busy", member(node.nodeId() + "-" + thread + "-" + i, "u" + i, node, "{}"))))));
            }
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(done(a.count("busy"))).isEqualTo(400L);
        assertThat(done(b.members("busy"))).hasSize(400);
        assertThat(done(b.rooms())).containsEntry("busy", 400L);
    }

    @Test
    void aMemberMustJoinThroughItsOwnNode() {
        PresenceManager a = newNode("node-a", new RecordingPresenceHandler());
        assertThatThrownBy(() -> a.join("room", PresenceMember.of("c1", "u1", "node-b", json("{}"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailingHandlerDoesNotStopLaterEvents() {
        List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        PresenceManager a = newNode("node-a", new PresenceEventHandler() {
            @Override
            public void onJoin(String room, PresenceMember member) {
                got.add("join " + member.connectionId());
                throw new IllegalStateException("handler failure");
            }

            @Override
            public void onLeave(String room, PresenceMember member) {
                got.add("leave " + member.connectionId());
            }
        });
        done(a.join("room", member("c1", "u1", a, "{}")));
        done(a.leave("room", "c1"));
        await().atMost(WAIT).until(() -> got.size() == 2);
        assertThat(got).containsExactly("join c1", "leave c1");
    }
}
