package io.pgrealtime.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A database of its own for one test class, on the run's shared {@link PostgresServer}.
 * Replication slots are cluster-wide in PostgreSQL, so use {@link #uniqueName(String)} for slot
 * names. Not thread-safe for {@link #execute}; open separate {@link #connect() connections} per thread.
 */
public final class TestDatabase {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final PostgresServer server;
    private final String name;

    TestDatabase(PostgresServer server, String name) {
        this.server = server;
        this.name = name;
    }

    /** Creates a new database on the server, named after the test class. */
    public static TestDatabase create(PostgresServer server, String hint) {
        String clean = hint.toLowerCase().replaceAll("[^a-z0-9]", "_");
        if (clean.length() > 40) {
            clean = clean.substring(clean.length() - 40);
        }
        String db = "t" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid() + "_" + clean;
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(server.adminDatabase()), props(server));
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE \"" + db + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + db + " on " + server.describe(), e);
        }
        return new TestDatabase(server, db);
    }

    static Properties props(PostgresServer server) {
        Properties p = new Properties();
        p.setProperty("user", server.user());
        p.setProperty("password", server.password());
        return p;
    }

    public PostgresServer server() {
        return server;
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    public String user() {
        return server.user();
    }

    public String password() {
        return server.password();
    }

    /** {@code postgresql://user:pass@host:port/db}, the form of {@code DATABASE_URL}. */
    public String url() {
        return "postgresql://" + server.user() + ":" + server.password() + "@" + server.host() + ":"
                + server.port() + "/" + name;
    }

    /** A new connection (autocommit on) to this database; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), props(server));
    }

    /** Runs each statement in its own autocommit transaction. */
    public void execute(String... sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    /** The first column of every row of a query, as strings. */
    public List<String> queryColumn(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    /** The first column of the first row, or null when there is no row. */
    public String queryOne(String sql) {
        List<String> rows = queryColumn(sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** A name unique in this test run, for cluster-wide objects such as replication slots. */
    public String uniqueName(String base) {
        return (base + "_" + name).toLowerCase().replaceAll("[^a-z0-9_]", "_");
    }

    /** Drops the replication slots of this database that no one is using (best effort). */
    void dropInactiveSlots() {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE database = current_database() AND NOT active");
        } catch (SQLException ignored) {
            // The server may be stopped by the test itself; slots go with the temporary cluster.
        }
    }
}
