package io.pgrealtime.testsupport;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL server we do not own, named by a URL such as
 * {@code postgresql://user:secret@db.internal:5432/postgres} (the {@code jdbc:} prefix is accepted).
 * The user needs REPLICATION and CREATEDB, and the server {@code wal_level=logical}. It cannot be
 * restarted by tests.
 */
public final class ExternalPostgresServer implements PostgresServer {
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String database;

    public ExternalPostgresServer(String url) {
        String u = url.startsWith("jdbc:") ? url.substring(5) : url;
        URI uri = URI.create(u);
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : 5432;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            this.user = decode(colon < 0 ? info : info.substring(0, colon));
            this.password = colon < 0 ? "" : decode(info.substring(colon + 1));
        } else {
            this.user = "postgres";
            this.password = "";
        }
        String path = uri.getPath();
        this.database = path == null || path.length() <= 1 ? "postgres" : path.substring(1);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String adminDatabase() {
        return database;
    }

    @Override
    public boolean canRestart() {
        return false;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("an external PostgreSQL cannot be stopped by tests");
    }

    @Override
    public void start() {
        // Nothing to do: the server runs on its own.
    }

    @Override
    public String describe() {
        return "external PostgreSQL at " + host + ":" + port;
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
