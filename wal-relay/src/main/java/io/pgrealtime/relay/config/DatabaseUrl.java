package io.pgrealtime.relay.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * A PostgreSQL address parsed from {@code DATABASE_URL} forms: {@code postgresql://user:pw@host:5432/db?sslmode=require},
 * {@code postgres://…}, or a JDBC URL. Query parameters are passed to the driver as properties.
 *
 * @param host     host name
 * @param port     port
 * @param database database name
 * @param user     user, may be null
 * @param password password, may be null
 * @param options  driver properties from the query string
 */
public record DatabaseUrl(String host, int port, String database, String user, String password, Properties options) {

    public static DatabaseUrl parse(String url, String userOverride, String passwordOverride) {
        String u = url.trim();
        if (u.startsWith("jdbc:")) {
            u = u.substring(5);
        }
        if (u.startsWith("postgres://")) {
            u = "postgresql://" + u.substring("postgres://".length());
        }
        if (!u.startsWith("postgresql://")) {
            throw new IllegalArgumentException("database URL must start with postgresql://, postgres:// or jdbc:postgresql://");
        }
        URI uri = URI.create(u);
        if (uri.getHost() == null && uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
            throw new IllegalArgumentException("host or port cannot be read from " + url);
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        Properties options = new Properties();
        if (uri.getRawQuery() != null) {
            for (String kv : uri.getRawQuery().split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    String key = decode(kv.substring(0, eq));
                    String value = decode(kv.substring(eq + 1));
                    if (key.equals("user")) {
                        user = value;
                    } else if (key.equals("password")) {
                        password = value;
                    } else {
                        options.setProperty(key, value);
                    }
                }
            }
        }
        String path = uri.getPath();
        String db = path == null || path.length() <= 1 ? "postgres" : path.substring(1);
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : 5432;
        return new DatabaseUrl(host, port, db,
                userOverride != null && !userOverride.isBlank() ? userOverride : user,
                passwordOverride != null && !passwordOverride.isBlank() ? passwordOverride : password,
                options);
    }

    /** This address with {@code user} and {@code password} filled in where it has none. */
    public DatabaseUrl withDefaults(String defaultUser, String defaultPassword) {
        return new DatabaseUrl(host, port, database, user != null ? user : defaultUser,
                password != null ? password : defaultPassword, options);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** Driver properties for a regular connection. */
    public Properties properties() {
        Properties p = new Properties();
        p.putAll(options);
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "pgrealtime-relay");
        return p;
    }

    @Override
    public String toString() {
        return "postgresql://" + (user == null ? "" : user + "@") + host + ":" + port + "/" + database;
    }
}
