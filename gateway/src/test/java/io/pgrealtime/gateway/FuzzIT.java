package io.pgrealtime.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.testsupport.TestBackends;
import io.pgrealtime.testsupport.TestDatabase;
import io.pgrealtime.testsupport.TestRedis;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of a running gateway node (issue 10 point 9), run by the jqwik engine
 * under failsafe. Each try sends a batch of generated raw-protocol frames on one WebSocket and a
 * batch of generated Engine.IO/Socket.IO packets on one Engine.IO WebSocket, then a barrier (a
 * ping / an acked event) that proves the connection still answers. Asserted throughout: every raw
 * reply is JSON with a §1 type and every error a code of {@link ErrorCode}; every Socket.IO reply
 * is a well-formed packet and every error ack a §1/§2 code; the server closes a fuzz connection
 * only with a specified status (the fuzzer reconnects and continues); nothing is logged at ERROR
 * and nothing at INFO or above carries a stack trace. Meanwhile rows are inserted into a table a
 * control client follows: it must receive every one, exactly once.
 */
class FuzzIT {
    static final int TRIES = 200;
    static final int RAW_PER_TRY = 250;
    static final int SIO_PER_TRY = 250;
    static final String USER = "fuzzer";
    static final Duration BARRIER = Duration.ofSeconds(20);

    /** The types of protocol.md §1 server messages. */
    static final Set<String> RAW_TYPES = Set.of("ack", "broadcast", "presence", "pong", "error");
    static final Set<String> RAW_CODES = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toSet());
    /** §1 codes plus the §2 names of Socket.IO acks. */
    static final Set<String> SIO_CODES = Stream.concat(RAW_CODES.stream(), Stream.of("RESOURCE_NOT_FOUND",
            "PERMISSION_DENIED", "FILTERING_NOT_ENABLED", "UNSUPPORTED_FILTER", "UNKNOWN_EVENT", "CUSTOM_HANDLER_FAILED"))
            .collect(Collectors.toSet());
    /** Close statuses the raw protocol specifies (§1, plus 1009 for frames over 1 MiB and 1007 for invalid UTF-8). */
    static final Set<Integer> RAW_CLOSES = Set.of(1000, 1001, 1007, 1009, 4001, 4003, 4008, 4029, 0);
    /** Engine.IO over WebSocket: a normal close (Engine.IO close, Socket.IO disconnect) or a parse error. */
    static final Set<Integer> SIO_CLOSES = Set.of(1000, 1001, 1002, 1007, 1009, 0, -2);
    /** Marks a connection reset seen instead of the close frame (see onError). */
    static final int RESET = 0;
    /** Marks an end of stream without a close frame (see onError). */
    static final int EOF = -2;

    private static TestDatabase db;
    private static GatewayFixture fx;
    private static EmbeddedServer node;
    private static WsClient control;
    private static final Loud loud = new Loud();
    private static final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private static final AtomicLong framesSent = new AtomicLong();
    private static final Map<Integer, AtomicInteger> closes = new ConcurrentHashMap<>();
    private static final AtomicInteger reconnects = new AtomicInteger();
    private static final AtomicBoolean inserting = new AtomicBoolean(true);
    private static final AtomicInteger inserted = new AtomicInteger();
    private static Thread inserter;
    private static RawFuzzer raw;
    private static SioFuzzer sio;
    private static String validToken;
    private static String otherUserToken;
    private static String expiredToken;

    // ------------------------------------------------------------------ lifecycle

    @BeforeContainer
    static void start() throws Exception {
        db = TestDatabase.create(TestBackends.postgres(), "FuzzIT");
        fx = new GatewayFixture(db, TestRedis.create(TestBackends.redis()));
        node = fx.startNode("fuzz", Map.of("gateway.messages-per-minute", 100_000_000,
                "gateway.connections-per-user", 10_000));
        fx.createAndEnable("CREATE TABLE public.fuzz_t (id int PRIMARY KEY, status text, n int, at timestamptz, flag bool, doc jsonb)",
                "public.fuzz_t", "", node);
        fx.createAndEnable("CREATE TABLE public.fuzz_control (id int PRIMARY KEY, body text)", "public.fuzz_control", "", node);
        validToken = fx.token(USER);
        otherUserToken = fx.token("someone-else");
        expiredToken = fx.token(USER, "authenticated", Map.of("exp", Instant.now().minusSeconds(60).getEpochSecond()));

        loud.start();
        root().addAppender(loud);

        control = WsClient.connect(GatewayFixture.wsUrl(node), fx.token("control"));
        control.send("{\"type\":\"subscribe\",\"channel\":\"table:public.fuzz_control\",\"ref\":\"c\"}");
        assertThat(control.awaitType("ack").path("status").asText()).isEqualTo("subscribed");

        inserter = new Thread(FuzzIT::insertRows, "fuzz-inserter");
        inserter.setDaemon(true);
        inserter.start();
        raw = new RawFuzzer();
        sio = new SioFuzzer();
    }

    private static void insertRows() {
        try (Connection c = db.connect();
             PreparedStatement st = c.prepareStatement("INSERT INTO public.fuzz_control VALUES (?, ?)");
             PreparedStatement other = c.prepareStatement(
                     "INSERT INTO public.fuzz_t VALUES (?, ?, ?, now(), ?, '{\"k\":1}') ON CONFLICT (id) DO UPDATE SET n = fuzz_t.n + 1")) {
            c.setAutoCommit(true);
            while (inserting.get()) {
                int id = inserted.get() + 1;
                st.setInt(1, id);
                st.setString(2, "row " + id);
                st.executeUpdate();
                inserted.set(id);
                other.setInt(1, id % 50);
                other.setString(2, id % 2 == 0 ? "open" : "closed");
                other.setInt(3, id);
                other.setBoolean(4, id % 3 == 0);
                other.executeUpdate();
                Thread.sleep(20);
            }
        } catch (Exception e) {
            violations.add("inserter failed: " + e);
        }
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            inserting.set(false);
            if (inserter != null) {
                inserter.join(10_000);
            }
            int n = inserted.get();
            // Every row inserted during the fuzz reached the control client, once.
            List<JsonNode> got = new ArrayList<>(control.changes("table:public.fuzz_control", n, Duration.ofSeconds(60)));
            got.addAll(control.drain(Duration.ofSeconds(1)));
            Map<Integer, Integer> seen = new HashMap<>();
            for (JsonNode m : got) {
                if (m.has("id")) {
                    seen.merge(m.path("payload").path("record").path("id").asInt(), 1, Integer::sum);
                }
            }
            System.out.printf("FUZZ: %d frames sent, %d reconnects, closes %s; control client got %d of %d rows%n",
                    framesSent.get(), reconnects.get(), closes, seen.size(), n);
            assertThat(n).as("rows inserted during the fuzz").isGreaterThan(100);
            assertThat(seen.keySet()).as("rows the control client got").hasSize(n);
            assertThat(seen.values()).as("each row once").allMatch(v -> v == 1);
            assertThat(framesSent.get()).as("frames sent").isGreaterThanOrEqualTo((long) TRIES * (RAW_PER_TRY + SIO_PER_TRY));
            assertClean();
        } finally {
            root().detachAppender(loud);
            if (raw != null) {
                raw.close();
            }
            if (sio != null) {
                sio.close();
            }
            if (control != null) {
                control.close();
            }
            if (fx != null) {
                fx.close();
            }
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** Collects log events at ERROR, and at INFO or above with a stack trace. */
    static final class Loud extends AppenderBase<ILoggingEvent> {
        final Queue<String> events = new ConcurrentLinkedQueue<>();

        @Override
        protected void append(ILoggingEvent e) {
            if (e.getLevel() == Level.ERROR || (e.getLevel().isGreaterOrEqual(Level.INFO) && e.getThrowableProxy() != null)) {
                events.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : " / " + e.getThrowableProxy().getClassName() + ": "
                        + e.getThrowableProxy().getMessage()));
            }
        }
    }

    private static void assertClean() {
        assertThat(loud.events).as("ERROR or stack trace in the log").isEmpty();
        assertThat(violations).as("protocol violations").isEmpty();
    }

    // ------------------------------------------------------------------ the property

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, afterFailure = AfterFailureMode.RANDOM_SEED,
            generation = GenerationMode.RANDOMIZED)
    void theGatewayAnswersEveryFrameInTheProtocolsTerms(@ForAll("rawBatch") List<String> rawFrames,
                                                      @ForAll("sioBatch") List<String> sioFrames) {
        // The two transports are fuzzed at the same time, on two connections.
        CompletableFuture<Void> rawDone = CompletableFuture.runAsync(() -> raw.run(rawFrames));
        sio.run(sioFrames);
        rawDone.join();
        assertClean();
    }

    // ------------------------------------------------------------------ generators: shared

    static Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars("éü€中\n\t\u0000\u2028")
                .ofMaxLength(24);
    }

    static Arbitrary<String> name() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("fuzz_t", "public.fuzz_t", "fuzz_control", "public.fuzz_control", "nope",
                        "public.nope", "other.fuzz_t", "public.", ".fuzz_t", "1abc", "fuzz-t", "", "chat", "lobby", "vip:x",
                        "a.b.c", "FUZZ_T", "pg_catalog.pg_class", "realtime.tables")),
                Tuple.of(3, text()),
                Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(200).ofMaxLength(400)));
    }

    static Arbitrary<String> channel() {
        return Combinators.combine(Arbitraries.of("table:", "broadcast:", "presence:", "room:", "user:", "socket:",
                        "__all__", "__x", "!", "", "TABLE:", "table:public.", "broadcast:__", "presence:user:",
                        "broadcast:user:", "broadcast:socket:", "realtime:", "table:realtime."), name())
                .as(String::concat);
    }

    static Arbitrary<JsonNode> scalar() {
        JsonNodeFactory f = Json.nodes();
        return Arbitraries.frequencyOf(
                Tuple.of(4, text().map(f::textNode)),
                Tuple.of(2, Arbitraries.integers().map(f::numberNode)),
                Tuple.of(1, Arbitraries.longs().map(f::numberNode)),
                Tuple.of(1, Arbitraries.doubles().map(f::numberNode)),
                Tuple.of(1, Arbitraries.of(true, false).map(f::booleanNode)),
                Tuple.of(1, Arbitraries.just(f.nullNode())),
                Tuple.of(2, Arbitraries.of("2024-01-01", "2024-01-01T10:00:00+02", "NaN", "Infinity", "-infinity", "1e309",
                        "{{claims.sub}}", "{{claims.nope}}", "0e37df36-f698-11e6-8dd4-cb9ced3df976", "%a_b\\", "\\",
                        "1-0", "99999999999-9", "true", "null").map(f::textNode)),
                Tuple.of(1, Arbitraries.of("1e400", "123456789012345678901234567890", "-0", "0.000000001")
                        .map(s -> (JsonNode) f.numberNode(new java.math.BigDecimal(s)))));
    }

    /** Any JSON value, nested up to {@code depth}. */
    static Arbitrary<JsonNode> json(int depth) {
        if (depth == 0) {
            return scalar();
        }
        Arbitrary<JsonNode> inner = json(depth - 1);
        return Arbitraries.frequencyOf(
                Tuple.of(5, scalar()),
                Tuple.of(2, inner.list().ofMaxSize(4).map(FuzzIT::array)),
                Tuple.of(3, Combinators.combine(Arbitraries.oneOf(name(), Arbitraries.of("type", "id", "status", "$or")),
                        inner).as(Map::entry).list().ofMaxSize(4).map(FuzzIT::object)));
    }

    static ArrayNode array(List<JsonNode> items) {
        ArrayNode a = Json.nodes().arrayNode();
        items.forEach(a::add);
        return a;
    }

    static ObjectNode object(List<Map.Entry<String, JsonNode>> entries) {
        ObjectNode o = Json.object();
        entries.forEach(e -> o.set(e.getKey(), e.getValue()));
        return o;
    }

    static final List<String> COLUMNS = List.of("id", "status", "n", "at", "flag", "doc", "nope", "body", "a.b", "",
            "ID", "$and", "$or", "$not", "$", "in");
    static final List<String> OPERATORS = List.of("eq", "neq", "gt", "gte", "lt", "lte", "in", "like", "ilike",
            "between", "is", "foo", "EQ", "$or");

    /** A filter tree: columns, operators, values, $and/$or, of every shape (mostly wrong). */
    static Arbitrary<JsonNode> filter(int depth) {
        Arbitrary<JsonNode> value = Arbitraries.frequencyOf(
                Tuple.of(4, scalar()),
                Tuple.of(2, scalar().list().ofMaxSize(5).map(FuzzIT::array)),
                Tuple.of(1, Arbitraries.strings().withChars("%_\\ab").ofMaxLength(12).map(s -> (JsonNode) Json.nodes().textNode(s))),
                Tuple.of(1, json(2)));
        Arbitrary<JsonNode> ops = Combinators.combine(Arbitraries.of(OPERATORS), value).as(Map::entry)
                .list().ofMaxSize(3).map(FuzzIT::object);
        List<Tuple.Tuple2<Integer, Arbitrary<? extends JsonNode>>> choices = new ArrayList<>();
        choices.add(Tuple.of(4, value));
        choices.add(Tuple.of(4, ops));
        if (depth > 0) {
            choices.add(Tuple.of(1, filter(depth - 1).list().ofMaxSize(3).map(FuzzIT::array)));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        Arbitrary<JsonNode> entryValue = Arbitraries.frequencyOf(choices.toArray(new Tuple.Tuple2[0]));
        return Combinators.combine(Arbitraries.of(COLUMNS), entryValue).as(Map::entry).list().ofMaxSize(4)
                .map(FuzzIT::object).map(o -> (JsonNode) o);
    }

    static Arbitrary<JsonNode> ref() {
        JsonNodeFactory f = Json.nodes();
        return Arbitraries.frequencyOf(Tuple.of(5, text().map(f::textNode)), Tuple.of(2, Arbitraries.integers().map(f::numberNode)),
                Tuple.of(1, json(1)));
    }

    // ------------------------------------------------------------------ generators: raw protocol

    @Provide
    Arbitrary<List<String>> rawBatch() {
        return rawFrame().list().ofSize(RAW_PER_TRY);
    }

    static Arbitrary<String> rawFrame() {
        Arbitrary<String> message = rawMessage().map(JsonNode::toString);
        return Arbitraries.frequencyOf(
                Tuple.of(70, message),
                Tuple.of(10, Combinators.combine(message, Arbitraries.doubles().between(0, 1))
                        .as((m, cut) -> m.substring(0, (int) (m.length() * cut)))),
                Tuple.of(6, Arbitraries.strings().ofMaxLength(40).filter(FuzzIT::encodable)),
                Tuple.of(5, json(3).map(JsonNode::toString)),
                Tuple.of(3, Combinators.combine(Arbitraries.integers().between(100, 3000), Arbitraries.of("[", "{\"a\":"))
                        .as((n, open) -> open.repeat(n) + "1" + (open.equals("[") ? "]" : "}").repeat(n))),
                Tuple.of(1, Arbitraries.integers().between(60 * 1024, 70 * 1024)
                        .map(n -> "{\"type\":\"ping\",\"ref\":\"big\",\"pad\":\"" + "x".repeat(n) + "\"}")),
                Tuple.of(5, Arbitraries.of("", " ", "null", "{}", "[]", "{\"type\":null}", "{\"type\":\"ping\"}{}",
                        "{\"type\":\"ping\"} trailing", "\"ping\"", "{\"type\":\"ping\",\"type\":\"subscribe\"}",
                        "{\"type\":\"subscribe\",\"channel\":\"table:public.fuzz_t\",\"filter\":{\"id\":{\"gt\":\"abc\"}}}",
                        "{\"type\":\"broadcast\",\"channel\":\"broadcast:chat\",\"payload\":{\"message\":\"Hello World\"}}")));
    }

    /** Whether the JDK client can send the text as UTF-8 (no lone surrogates). */
    static boolean encodable(String s) {
        return StandardCharsets.UTF_8.newEncoder().canEncode(s);
    }

    static Arbitrary<JsonNode> rawMessage() {
        JsonNodeFactory f = Json.nodes();
        Arbitrary<JsonNode> type = Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.of("subscribe", "unsubscribe", "broadcast", "presence", "auth", "ping")
                        .map(s -> (JsonNode) f.textNode(s))),
                Tuple.of(2, Arbitraries.of("SUBSCRIBE", "ack", "error", "pong", "", "heartbeat", "phx_join")
                        .map(s -> (JsonNode) f.textNode(s))),
                Tuple.of(1, json(1)));
        Arbitrary<JsonNode> token = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just((JsonNode) f.textNode(validToken))),
                Tuple.of(1, Arbitraries.just((JsonNode) f.textNode(otherUserToken))),
                Tuple.of(1, Arbitraries.just((JsonNode) f.textNode(expiredToken))),
                Tuple.of(2, text().map(f::textNode)),
                Tuple.of(1, json(1)));
        Arbitrary<JsonNode> event = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("message", "chat", "!t_tenant:insert", "user:joined", "user:left",
                        "fuzz_t:insert", "connected", "").map(s -> (JsonNode) f.textNode(s))),
                Tuple.of(2, text().map(f::textNode)),
                Tuple.of(1, json(1)));
        Arbitrary<JsonNode> channel = Arbitraries.frequencyOf(Tuple.of(8, channel().map(f::textNode)), Tuple.of(1, json(1)));
        // Each optional field: present with some value, or absent (null entry, dropped below).
        return Combinators.combine(List.of(
                type.map(v -> field("type", v)),
                opt(channel, "channel", 9),
                opt(Arbitraries.oneOf(filter(2), json(2)), "filter", 3),
                opt(Arbitraries.oneOf(scalar(), Arbitraries.of("1-0", "0-0", "99999999999999-0", "x-y")
                        .map(s -> (JsonNode) f.textNode(s))), "since", 1),
                opt(json(2), "state", 2),
                opt(event, "event", 4),
                opt(json(3), "payload", 4),
                opt(Arbitraries.oneOf(Arbitraries.of(true, false).map(f::booleanNode), scalar()), "self", 1),
                opt(token, "token", 2),
                opt(ref(), "ref", 5),
                opt(json(1), "extra", 1))).as(fields -> {
            ObjectNode o = Json.object();
            for (Map.Entry<String, JsonNode> e : fields) {
                if (e != null) {
                    o.set(e.getKey(), e.getValue());
                }
            }
            return (JsonNode) o;
        });
    }

    static Map.Entry<String, JsonNode> field(String name, JsonNode v) {
        return Map.entry(name, v);
    }

    /** The field present {@code presentIn10} times in 10. */
    static Arbitrary<Map.Entry<String, JsonNode>> opt(Arbitrary<? extends JsonNode> value, String name, int presentIn10) {
        Arbitrary<Map.Entry<String, JsonNode>> present = value.map(v -> field(name, v));
        return Arbitraries.frequencyOf(Tuple.of(presentIn10, present), Tuple.of(10 - presentIn10, Arbitraries.just(null)));
    }

    // ------------------------------------------------------------------ generators: Socket.IO

    static final String BINARY = "BINARY:";

    @Provide
    Arbitrary<List<String>> sioBatch() {
        return sioFrame().list().ofSize(SIO_PER_TRY);
    }

    static Arbitrary<String> sioFrame() {
        return Arbitraries.frequencyOf(
                Tuple.of(850, sioEvent()),
                Tuple.of(40, Arbitraries.of("2", "3", "6", "5", "2probe", "3probe", "0", "7", "", "4", "40",
                        "40{\"token\":\"x\"}", "43[]", "431[1]", "44{}", "42/admin,[\"x\"]", "42/,[\"x\"]", "45-[\"x\"]",
                        "451-[\"custom\",{\"_placeholder\":true,\"num\":0}]", "452-[\"x\",{\"_placeholder\":true,\"num\":9}]",
                        "46-[]", "4 2[\"x\"]", "42 [\"x\"]")),
                Tuple.of(25, Arbitraries.of("42[", "42{", "42[1,2]", "42[]", "4x", "42\"str\"", "42[null]",
                        "42[\"subscribe\",", "4299999999999999999999[\"x\"]", "42-1[\"x\"]", "42[\"x\"]]", "42abc")),
                Tuple.of(25, Combinators.combine(Arbitraries.of("", "4", "42", "2", "0"), text()).as(String::concat)
                        .filter(FuzzIT::encodable)),
                Tuple.of(10, Arbitraries.bytes().array(byte[].class).ofMaxSize(16)
                        .map(b -> BINARY + java.util.Base64.getEncoder().encodeToString(b))),
                Tuple.of(3, Arbitraries.of("41", "1")));
    }

    static final List<String> SIO_EVENTS = List.of("subscribe", "unsubscribe", "restore-subscriptions", "room:join",
            "room:leave", "room:message", "join", "direct", "custom");

    static Arbitrary<String> sioEvent() {
        JsonNodeFactory f = Json.nodes();
        Arbitrary<String> event = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.of(SIO_EVENTS)),
                Tuple.of(1, Arbitraries.of("connect", "disconnect", "connected", "error", "message", "")),
                Tuple.of(1, text()));
        Arbitrary<JsonNode> str = name().map(f::textNode);
        Arbitrary<JsonNode> roomName = Arbitraries.frequencyOf(Tuple.of(4, name().map(f::textNode)),
                Tuple.of(2, channel().map(f::textNode)),
                Tuple.of(2, Combinators.combine(Arbitraries.of("collection:", "item:fuzz_t:", "item:", "user:", "socket:",
                        "__all__", "!", "vip:"), name()).as(String::concat).map(f::textNode)),
                Tuple.of(1, json(1)));
        Arbitrary<JsonNode> subscribe = Combinators.combine(List.of(
                opt(Arbitraries.oneOf(str, json(1)), "collection", 7),
                opt(Arbitraries.oneOf(str, json(1)), "resource", 3),
                opt(Arbitraries.oneOf(filter(2), json(2)), "filters", 4),
                opt(Arbitraries.oneOf(Arbitraries.of("insert", "update", "delete", "INSERT", "truncate", "x")
                        .list().ofMaxSize(4).map(l -> (JsonNode) array(l.stream().map(s -> (JsonNode) f.textNode(s)).toList())),
                        json(1)), "actions", 2),
                opt(Arbitraries.oneOf(scalar(), Arbitraries.of("1-0", "x").map(s -> (JsonNode) f.textNode(s))), "since", 1),
                opt(json(1), "subscriptionId", 1),
                opt(json(1), "include", 1))).as(FuzzIT::objectOf);
        Arbitrary<JsonNode> room = Combinators.combine(List.of(
                opt(roomName, "room", 9), opt(Arbitraries.oneOf(str, json(1)), "event", 6), opt(json(3), "payload", 6),
                opt(json(2), "state", 2), opt(Arbitraries.oneOf(str, json(1)), "socketId", 3))).as(FuzzIT::objectOf);
        Arbitrary<JsonNode> restore = subscribe.list().ofMaxSize(4).map(l -> (JsonNode) Json.object().set("subscriptions", array(l)));
        Arbitrary<JsonNode> payload = Arbitraries.frequencyOf(Tuple.of(4, subscribe), Tuple.of(4, room),
                Tuple.of(1, restore), Tuple.of(2, roomName), Tuple.of(2, json(3)));
        Arbitrary<String> ackId = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(0, 1_000_000).map(String::valueOf)),
                Tuple.of(2, Arbitraries.just("")));
        Arbitrary<List<JsonNode>> extra = json(1).list().ofMaxSize(2);
        return Combinators.combine(ackId, event, payload, extra, Arbitraries.integers().between(0, 20)).as((id, name, p, more, shape) -> {
            ArrayNode a = Json.nodes().arrayNode();
            if (shape != 0) {
                a.add(name);
            }
            if (shape != 1) {
                a.add(p);
            }
            if (shape == 2) {
                more.forEach(a::add);
            }
            return "42" + id + a;
        });
    }

    static JsonNode objectOf(List<Map.Entry<String, JsonNode>> fields) {
        ObjectNode o = Json.object();
        for (Map.Entry<String, JsonNode> e : fields) {
            if (e != null) {
                o.set(e.getKey(), e.getValue());
            }
        }
        return o;
    }

    // ------------------------------------------------------------------ fuzzing clients

    /** A JDK WebSocket that hands every complete text message to {@code onMessage} and records its close. */
    abstract static class FuzzSocket {
        private final HttpClient http = HttpClient.newHttpClient();
        volatile WebSocket ws;
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        volatile CompletableFuture<Integer> closedNow = closed;
        volatile String lastError;
        volatile String lastSent = "";

        WebSocket open(URI uri) {
            CompletableFuture<Integer> c = new CompletableFuture<>();
            closedNow = c;
            StringBuilder partial = new StringBuilder();
            return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, new WebSocket.Listener() {
                @Override
                public void onOpen(WebSocket w) {
                    w.request(Long.MAX_VALUE);
                }

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        String m = partial.toString();
                        partial.setLength(0);
                        try {
                            onMessage(w, m);
                        } catch (RuntimeException e) {
                            violations.add("checking " + abbreviate(m) + ": " + e);
                        }
                    }
                    return null;
                }

                @Override
                public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                    violations.add(getClass().getSimpleName() + ": a binary frame from the server");
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                    c.complete(status);
                    return null;
                }

                @Override
                public void onError(WebSocket w, Throwable error) {
                    lastError = error + " after " + abbreviate(lastSent);
                    // The server sent its close frame and closed while frames of ours were still
                    // arriving: its TCP stack answers them with a reset, which can overtake the
                    // close frame. The status is then unknown, but the close was the server's.
                    String m = String.valueOf(error.getMessage());
                    boolean reset = error instanceof java.io.IOException && (m.contains("reset") || m.contains("Broken pipe"));
                    // "closed input": end of stream with no close frame read. Seen 3 to 9 times in about 400
                    // server closes of Engine.IO connections (reported in docs/security.md, "Fuzzing").
                    boolean eof = error instanceof java.io.IOException && m.contains("closed input");
                    c.complete(reset ? RESET : eof ? EOF : -1);
                }
            }).join();
        }

        abstract void onMessage(WebSocket w, String message);

        /** Sends one frame; false if the connection is gone. */
        boolean send(String frame) {
            if (closedNow.isDone()) {
                return false;
            }
            lastSent = frame;
            try {
                if (frame.startsWith(BINARY)) {
                    ws.sendBinary(ByteBuffer.wrap(java.util.Base64.getDecoder().decode(frame.substring(BINARY.length()))), true)
                            .get(10, TimeUnit.SECONDS);
                } else {
                    ws.sendText(frame, true).get(10, TimeUnit.SECONDS);
                }
                framesSent.incrementAndGet();
                return true;
            } catch (Exception e) {
                return false;
            }
        }

        /** Records how the server closed, checks it is allowed. */
        void closedWith(Set<Integer> allowed, String what) {
            int status;
            try {
                status = closedNow.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                violations.add(what + ": a send failed but the connection did not close");
                return;
            }
            closes.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
            if (!allowed.contains(status)) {
                violations.add(what + " closed with unspecified status " + status + (status == -1 ? ": " + lastError : ""));
            }
            reconnects.incrementAndGet();
        }

        void close() {
            if (ws != null) {
                ws.abort();
            }
        }
    }

    static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…(" + s.length() + ")" : s;
    }

    /** Raw protocol (§1) fuzzer on {@code /realtime}. */
    static final class RawFuzzer extends FuzzSocket {
        private final Map<String, CompletableFuture<Void>> barriers = new ConcurrentHashMap<>();
        private int barrier;

        RawFuzzer() {
            connect();
        }

        private void connect() {
            ws = open(URI.create(GatewayFixture.wsUrl(node) + "?token=" + validToken));
        }

        @Override
        void onMessage(WebSocket w, String message) {
            JsonNode m;
            try {
                m = Json.mapper().readTree(message);
            } catch (Exception e) {
                violations.add("raw reply is not JSON: " + abbreviate(message));
                return;
            }
            String type = m.path("type").asText(null);
            if (!m.isObject() || type == null || !RAW_TYPES.contains(type)) {
                violations.add("raw reply of no §1 type: " + abbreviate(message));
                return;
            }
            if (type.equals("error") && !RAW_CODES.contains(m.path("code").asText())) {
                violations.add("raw error with an unknown code: " + abbreviate(message));
            }
            if (type.equals("error") && m.has("details") && !m.get("details").isObject()) {
                violations.add("raw error details not keyed by field: " + abbreviate(message));
            }
            if (type.equals("pong")) {
                CompletableFuture<Void> b = barriers.remove(m.path("ref").asText());
                if (b != null) {
                    b.complete(null);
                }
            }
        }

        void run(List<String> frames) {
            for (String f : frames) {
                while (!send(f)) {
                    closedWith(RAW_CLOSES, "raw connection");
                    connect();
                }
            }
            // Barrier: the connection still answers, after everything sent before.
            for (int attempt = 0; ; attempt++) {
                String ref = "barrier-" + (++barrier);
                CompletableFuture<Void> b = new CompletableFuture<>();
                barriers.put(ref, b);
                if (send("{\"type\":\"ping\",\"ref\":\"" + ref + "\"}")) {
                    try {
                        CompletableFuture.anyOf(b, closedNow).get(BARRIER.toSeconds(), TimeUnit.SECONDS);
                    } catch (Exception e) {
                        violations.add("raw connection did not answer the barrier ping within " + BARRIER);
                        return;
                    }
                    if (b.isDone()) {
                        return;
                    }
                }
                if (attempt > 3) {
                    violations.add("raw connection keeps closing at the barrier");
                    return;
                }
                closedWith(RAW_CLOSES, "raw connection");
                connect();
            }
        }
    }

    /** Engine.IO v4 / Socket.IO v5 fuzzer on the WebSocket transport. */
    static final class SioFuzzer extends FuzzSocket {
        private final Map<Integer, CompletableFuture<Void>> barriers = new ConcurrentHashMap<>();
        private volatile CompletableFuture<Void> connected;
        private int barrier = 2_000_000_000;

        SioFuzzer() {
            connect();
        }

        private void connect() {
            for (int attempt = 0; ; attempt++) {
                connected = new CompletableFuture<>();
                ws = open(URI.create("ws://127.0.0.1:" + node.getPort() + "/socket.io/?EIO=4&transport=websocket"));
                ws.sendText("40{\"token\":\"" + validToken + "\"}", true).join();
                try {
                    connected.get(10, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (attempt > 3) {
                        throw new AssertionError("no Socket.IO CONNECT answer", e);
                    }
                }
            }
        }

        @Override
        void onMessage(WebSocket w, String p) {
            if (p.isEmpty()) {
                violations.add("empty Engine.IO packet");
                return;
            }
            switch (p.charAt(0)) {
                case '0' -> json(p.substring(1), p);
                case '1', '6' -> {
                }
                case '2' -> w.sendText("3", true);
                case '3' -> {
                }
                case '4' -> socketPacket(p);
                default -> violations.add("unknown Engine.IO packet: " + abbreviate(p));
            }
        }

        private JsonNode json(String s, String packet) {
            try {
                return Json.mapper().readTree(s);
            } catch (Exception e) {
                violations.add("Socket.IO packet with bad JSON: " + abbreviate(packet));
                return null;
            }
        }

        private void socketPacket(String p) {
            if (p.length() < 2) {
                violations.add("Engine.IO message without a Socket.IO packet: " + p);
                return;
            }
            char type = p.charAt(1);
            int i = 2;
            if (i < p.length() && p.charAt(i) == '/') {
                violations.add("Socket.IO packet on another namespace: " + abbreviate(p));
                return;
            }
            int idStart = i;
            while (i < p.length() && Character.isDigit(p.charAt(i))) {
                i++;
            }
            String id = p.substring(idStart, i);
            String body = p.substring(i);
            switch (type) {
                case '0' -> {
                    JsonNode n = json(body, p);
                    if (n != null && n.has("sid")) {
                        connected.complete(null);
                    }
                }
                case '1' -> {
                }
                case '2' -> {
                    JsonNode n = json(body, p);
                    if (n == null || !n.isArray() || n.isEmpty() || !n.get(0).isTextual()) {
                        violations.add("Socket.IO event that is not [name, …]: " + abbreviate(p));
                    } else if (n.get(0).asText().equals("subscription.error")) {
                        checkCode(n.path(1).path("code").asText(), p);
                    }
                }
                case '3' -> {
                    JsonNode n = json(body, p);
                    if (n == null || !n.isArray() || id.isEmpty()) {
                        violations.add("Socket.IO ack that is not id[…]: " + abbreviate(p));
                        return;
                    }
                    JsonNode a = n.path(0);
                    if ("error".equals(a.path("status").asText())) {
                        checkCode(a.path("error").path("code").asText(), p);
                    }
                    CompletableFuture<Void> b = barriers.remove(Integer.parseInt(id));
                    if (b != null) {
                        b.complete(null);
                    }
                }
                case '4' -> {
                    JsonNode n = json(body, p);
                    violations.add("CONNECT_ERROR for a valid token: " + abbreviate(p) + " " + n);
                }
                default -> violations.add("unexpected Socket.IO packet type: " + abbreviate(p));
            }
        }

        private void checkCode(String code, String packet) {
            if (!SIO_CODES.contains(code)) {
                violations.add("Socket.IO error with an unknown code: " + abbreviate(packet));
            }
        }

        void run(List<String> frames) {
            for (String f : frames) {
                while (!send(f)) {
                    closedWith(SIO_CLOSES, "Engine.IO connection");
                    connect();
                }
            }
            for (int attempt = 0; ; attempt++) {
                int id = ++barrier;
                CompletableFuture<Void> b = new CompletableFuture<>();
                barriers.put(id, b);
                if (send("42" + id + "[\"custom\",{\"event\":\"no-such-handler\"}]")) {
                    try {
                        CompletableFuture.anyOf(b, closedNow).get(BARRIER.toSeconds(), TimeUnit.SECONDS);
                    } catch (Exception e) {
                        violations.add("Engine.IO connection did not answer the barrier event within " + BARRIER);
                        return;
                    }
                    if (b.isDone()) {
                        return;
                    }
                }
                if (attempt > 3) {
                    violations.add("Engine.IO connection keeps closing at the barrier");
                    return;
                }
                closedWith(SIO_CLOSES, "Engine.IO connection");
                connect();
            }
        }
    }
}
