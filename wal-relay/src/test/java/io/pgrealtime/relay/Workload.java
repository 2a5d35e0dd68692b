package io.pgrealtime.relay;

import io.pgrealtime.protocol.ChangeEvent;
import io.pgrealtime.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes rows {@code 1..total} in order into {@code public.<table>(id bigint primary key, tx int, v text)},
 * {@code perTx} rows a transaction, and after every {@code rollbackEvery}-th transaction one more
 * transaction that inserts negative ids and rolls back. Runs on its own thread.
 */
final class Workload implements Runnable {
    private final TestDatabase db;
    private final String table;
    private final int total;
    private final int perTx;
    private final int rollbackEvery;
    private final long pauseMicros;
    final AtomicLong committed = new AtomicLong();
    final AtomicBoolean done = new AtomicBoolean();
    volatile Throwable error;

    Workload(TestDatabase db, String table, int total, int perTx, int rollbackEvery, long pauseMicros) {
        this.db = db;
        this.table = table;
        this.total = total;
        this.perTx = perTx;
        this.rollbackEvery = rollbackEvery;
        this.pauseMicros = pauseMicros;
    }

    static void createTable(TestDatabase db, String table) {
        db.execute("CREATE TABLE public." + table + " (id bigint PRIMARY KEY, tx int NOT NULL, v text)",
                "SELECT realtime.enable('public." + table + "')");
    }

    Thread start() {
        Thread t = new Thread(this, "workload-" + table);
        t.start();
        return t;
    }

    @Override
    public void run() {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO public." + table + " (id, tx, v) VALUES (?, ?, ?)")) {
                int tx = 0;
                for (long id = 1; id <= total; ) {
                    tx++;
                    for (int i = 0; i < perTx && id <= total; i++, id++) {
                        ps.setLong(1, id);
                        ps.setInt(2, tx);
                        ps.setString(3, "row " + id);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    c.commit();
                    committed.set(id - 1);
                    if (rollbackEvery > 0 && tx % rollbackEvery == 0) {
                        ps.setLong(1, -tx);
                        ps.setInt(2, -tx);
                        ps.setString(3, "rolled back");
                        ps.executeUpdate();
                        c.rollback();
                    }
                    if (pauseMicros > 0) {
                        Thread.sleep(pauseMicros / 1000, (int) (pauseMicros % 1000) * 1000);
                    }
                }
            }
        } catch (SQLException | InterruptedException | RuntimeException e) {
            error = e;
        } finally {
            done.set(true);
        }
    }

    /** Every id 1..total exactly once, ascending (commit order of a single writer), no rolled-back row. */
    static void assertExactlyOnceInOrder(List<ChangeEvent> events, int total) {
        List<Long> ids = new ArrayList<>(events.size());
        Set<Long> seen = new HashSet<>();
        List<Long> duplicates = new ArrayList<>();
        for (ChangeEvent e : events) {
            long id = e.record().get("id").asLong();
            if (!seen.add(id)) {
                duplicates.add(id);
            }
            ids.add(id);
        }
        assertThat(duplicates).as("duplicated ids").isEmpty();
        assertThat(ids).as("no rolled-back row").allMatch(id -> id > 0);
        assertThat(ids).as("every committed row").hasSize(total);
        assertThat(ids).as("commit order").isSorted();
        assertThat(ids.get(0)).isEqualTo(1L);
        assertThat(ids.get(ids.size() - 1)).isEqualTo((long) total);
    }
}
