package io.pgrealtime.gateway.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A JWKS endpoint on an ephemeral loopback port (the JDK's HTTP server): serves the keys set with
 * {@link #keys} (or any {@link #document}), or the status set with {@link #failWith}, and counts
 * requests.
 */
final class JwksServer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicReference<String> document = new AtomicReference<>("{\"keys\":[]}");
    private final AtomicInteger status = new AtomicInteger(200);

    JwksServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/.well-known/jwks.json", exchange -> {
            hits.incrementAndGet();
            byte[] body = (status.get() == 200 ? document.get() : "{\"error\":\"down\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** Publishes exactly these keys, private parts included if they have any. */
    JwksServer keys(JWK... keys) {
        document.set(new JWKSet(List.of(keys)).toString(false));
        status.set(200);
        return this;
    }

    /** Serves this body as the document (anything, valid JWKS or not). */
    JwksServer document(String body) {
        document.set(body);
        status.set(200);
        return this;
    }

    /** Answers every request with this HTTP status from now on (200 to recover). */
    JwksServer failWith(int httpStatus) {
        status.set(httpStatus);
        return this;
    }

    int hits() {
        return hits.get();
    }

    URL url() {
        try {
            return new URL("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json");
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
