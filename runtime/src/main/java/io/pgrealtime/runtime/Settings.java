package io.pgrealtime.runtime;

import io.lettuce.core.RedisURI;

import java.util.regex.Pattern;

/**
 * Validation of the settings both processes share. Every method either returns a usable value or
 * throws a {@link SettingException} that names the setting; none echoes a password.
 */
public final class Settings {
    private static final Pattern PG_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private Settings() {
    }

    /** Null for null or blank, else the trimmed value. */
    public static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The first of these values that is not blank, or null. */
    public static String firstSet(String... values) {
        for (String v : values) {
            String s = blankToNull(v);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    /**
     * A Redis address: {@code redis://[user:password@]host[:port][/db]}, {@code rediss://…} for TLS,
     * or {@code redis-sentinel://…}.
     *
     * @param url     the value
     * @param setting what to name in the error, e.g. {@code REDIS_URL}
     */
    public static RedisURI redisUri(String url, String setting) {
        String u = blankToNull(url);
        if (u == null) {
            throw new SettingException(setting, "is empty; expected redis://host:6379");
        }
        if (!(u.startsWith("redis://") || u.startsWith("rediss://") || u.startsWith("redis-socket://")
                || u.startsWith("redis-sentinel://"))) {
            throw new SettingException(setting, "must start with redis://, rediss:// or redis-sentinel:// (got a value starting '"
                    + scheme(u) + "')");
        }
        try {
            RedisURI uri = RedisURI.create(u);
            if (!u.startsWith("redis-socket://") && !u.startsWith("redis-sentinel://")
                    && (uri.getHost() == null || uri.getHost().isBlank())) {
                throw new SettingException(setting, "has no host; expected redis://host:6379");
            }
            String host = uri.getHost();
            if (host != null && (host.contains("/") || host.contains(" ") || (host.contains(":") && !host.contains("::")))) {
                throw new SettingException(setting, "has an invalid host or port; expected redis://host:6379");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new SettingException(setting, "is not a valid Redis URL: " + redact(e.getMessage(), u));
        }
    }

    /** A TCP port number 1-65535 (0 or -1 allowed when {@code allowRandom}, for tests). */
    public static int port(String value, String setting, boolean allowRandom) {
        String v = blankToNull(value);
        if (v == null) {
            throw new SettingException(setting, "is empty; expected a port number");
        }
        int p;
        try {
            p = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new SettingException(setting, "is not a port number: '" + v + "'");
        }
        if ((p < 1 || p > 65535) && !(allowRandom && (p == 0 || p == -1))) {
            throw new SettingException(setting, "must be between 1 and 65535 (got " + p + ")");
        }
        return p;
    }

    /**
     * A PostgreSQL identifier we create or look up unquoted (replication slot, publication):
     * lower case letters, digits and underscores, at most 63 characters, not starting with a digit.
     */
    public static String pgName(String value, String setting) {
        String v = blankToNull(value);
        if (v == null || !PG_NAME.matcher(v).matches()) {
            throw new SettingException(setting, "must be 1-63 lower-case letters, digits or underscores, not starting with a digit (got '"
                    + (v == null ? "" : v) + "')");
        }
        return v;
    }

    private static String scheme(String u) {
        int i = u.indexOf("://");
        return i < 0 ? u.substring(0, Math.min(u.length(), 8)) : u.substring(0, i + 3);
    }

    /** Removes the URL (which may carry a password) from a parser's message. */
    static String redact(String message, String url) {
        if (message == null) {
            return "unparseable";
        }
        return message.replace(url, "<value>");
    }
}
