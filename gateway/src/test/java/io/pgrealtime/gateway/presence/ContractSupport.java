package io.pgrealtime.gateway.presence;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.protocol.Json;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Cleanup in reverse order of creation (managers before their registry, clients last), and small helpers. */
abstract class ContractSupport {
    static final Duration WAIT = Duration.ofSeconds(10);

    private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();

    protected <T extends AutoCloseable> T closeLater(T c) {
        cleanup.push(c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        Exception first = null;
        while (!cleanup.isEmpty()) {
            try {
                cleanup.pop().close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static <T> T done(CompletableFuture<T> f) {
        return f.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
