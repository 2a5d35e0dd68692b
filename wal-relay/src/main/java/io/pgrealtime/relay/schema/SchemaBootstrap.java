package io.pgrealtime.relay.schema;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.util.Map;

/**
 * Creates or upgrades the {@code realtime} schema (configuration table, functions, views) and the
 * publication with Flyway. Idempotent: safe to run at every start, by every relay replica
 * (Flyway takes a lock). Migrations live in {@code db/realtime}; history in
 * {@code realtime.schema_history}.
 */
public final class SchemaBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaBootstrap.class);

    private SchemaBootstrap() {
    }

    /** Applies pending migrations; returns how many ran. */
    public static int migrate(DataSource dataSource, String publication) {
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .schemas("realtime")
                .table("schema_history")
                .locations("classpath:db/realtime")
                .placeholders(Map.of("publication", publication))
                .load();
        int applied = flyway.migrate().migrationsExecuted;
        if (applied > 0) {
            LOG.info("realtime schema: {} migration(s) applied", applied);
        }
        return applied;
    }
}
