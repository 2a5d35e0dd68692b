package io.pgrealtime.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension behind {@link RealtimeIntegrationTest}: starts the shared servers on first
 * use ({@link TestBackends}), creates a fresh database and Redis key prefix per test class, and
 * injects them. After the class: inactive replication slots of its database are dropped and its
 * keys deleted; a server the test stopped is started again so the next class finds it running.
 */
public final class RealtimeTestExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RealtimeTestExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        state(context);
    }

    private State state(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        String hint = classContext.getRequiredTestClass().getSimpleName();
        return classContext.getStore(NS).getOrComputeIfAbsent(State.class,
                k -> new State(TestDatabase.create(TestBackends.postgres(), hint), TestRedis.create(TestBackends.redis())),
                State.class);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        State s = context.getStore(NS).get(State.class, State.class);
        if (s == null) {
            return;
        }
        ensureRunning(s.db.server());
        ensureRunning(s.redis.server());
        s.db.dropInactiveSlots();
        s.redis.deleteKeys();
    }

    private static void ensureRunning(PostgresServer pg) {
        if (pg instanceof EmbeddedPostgresServer e && !e.isRunning()) {
            e.start();
        }
    }

    private static void ensureRunning(RedisServer redis) {
        if (redis instanceof EmbeddedRedisServer e && !e.isRunning()) {
            e.start();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        Class<?> t = pc.getParameter().getType();
        return t == TestDatabase.class || t == TestRedis.class || t == PostgresServer.class || t == RedisServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        State s = state(ec);
        Class<?> t = pc.getParameter().getType();
        if (t == TestDatabase.class) {
            return s.db;
        } else if (t == TestRedis.class) {
            return s.redis;
        } else if (t == PostgresServer.class) {
            return s.db.server();
        } else if (t == RedisServer.class) {
            return s.redis.server();
        }
        throw new ParameterResolutionException("unsupported parameter " + t);
    }

    private record State(TestDatabase db, TestRedis redis) {
    }
}
