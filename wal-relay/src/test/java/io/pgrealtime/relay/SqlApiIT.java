package io.pgrealtime.relay;

import io.pgrealtime.relay.schema.SchemaBootstrap;
import io.pgrealtime.testsupport.RealtimeIntegrationTest;
import io.pgrealtime.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SQL API of {@code realtime}: enable, disable, enabled_tables, send, and their public aliases. */
@RealtimeIntegrationTest
class SqlApiIT {
    private static TestDatabase db;

    @BeforeAll
    static void migrate(TestDatabase database) {
        db = database;
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(db.user());
        ds.setPassword(db.password());
        assertThat(SchemaBootstrap.migrate(ds, "realtime")).isEqualTo(1);
        assertThat(SchemaBootstrap.migrate(ds, "realtime")).as("idempotent").isZero();
    }

    private static boolean inPublication(String table) {
        return "1".equals(db.queryOne("SELECT count(*) FROM pg_publication_tables WHERE pubname = 'realtime'"
                + " AND schemaname || '.' || tablename = '" + table + "'"));
    }

    private static String identity(String table) {
        return db.queryOne("SELECT relreplident FROM pg_class WHERE oid = '" + table + "'::regclass");
    }

    @Test
    void bootstrapPublishesTheConfigurationTable() {
        assertThat(inPublication("realtime.tables")).isTrue();
        assertThat(db.queryOne("SELECT pubviaroot FROM pg_publication WHERE pubname = 'realtime'")).isEqualTo("t");
        assertThat(identity("realtime.tables")).isEqualTo("f");
    }

    @Test
    void enableWithDefaultsAddsTheTableAndItsSettings() {
        db.execute("CREATE TABLE public.users (id int PRIMARY KEY, name text)");
        db.execute("SELECT realtime.enable('public.users')");
        assertThat(inPublication("public.users")).isTrue();
        assertThat(identity("public.users")).isEqualTo("d");
        assertThat(db.queryOne("SELECT actions::text || roles::text || payload || rls || replica_identity_full"
                + " FROM realtime.tables WHERE table_name = 'users'"))
                .isEqualTo("{insert,update,delete,truncate}{authenticated}fullfalsefalse");
    }

    @Test
    void enableWithNamedArgumentsAndAgainToUpdate() {
        db.execute("CREATE TABLE public.orders (id int PRIMARY KEY, tenant_id text, secret text)");
        db.execute("SELECT realtime.enable('public.orders', actions => array['insert','update'],"
                + " replica_identity_full => true, roles => array['user','admin'],"
                + " row_filter => '{\"tenant_id\":\"{{claims.tenant_id}}\"}', exclude_columns => array['secret'],"
                + " payload => 'keys', rls => true)");
        assertThat(identity("public.orders")).isEqualTo("f");
        assertThat(db.queryOne("SELECT actions::text || roles::text || row_filter::text || exclude_columns::text || payload || rls"
                + " FROM realtime.tables WHERE table_name = 'orders'"))
                .isEqualTo("{insert,update}{user,admin}{\"tenant_id\": \"{{claims.tenant_id}}\"}{secret}keystrue");
        db.execute("SELECT realtime.enable('public.orders', actions => array['delete'])");
        assertThat(db.queryColumn("SELECT actions::text FROM realtime.tables WHERE table_name = 'orders'"))
                .containsExactly("{delete}");
    }

    @Test
    void enableRefusesInvalidSettingsAndNonTables() {
        db.execute("CREATE TABLE public.bad (id int PRIMARY KEY)", "CREATE VIEW public.bad_view AS SELECT 1 AS x");
        assertThatThrownBy(() -> db.execute("SELECT realtime.enable('public.bad', actions => array['upsert'])"))
                .hasMessageContaining("tables_actions_valid");
        assertThatThrownBy(() -> db.execute("SELECT realtime.enable('public.bad', payload => 'everything')"))
                .hasMessageContaining("tables_payload_valid");
        assertThatThrownBy(() -> db.execute("SELECT realtime.enable('public.bad_view')"))
                .hasMessageContaining("is not a table");
        assertThatThrownBy(() -> db.execute("SELECT realtime.enable('realtime.tables')"))
                .hasMessageContaining("cannot be enabled");
        assertThatThrownBy(() -> db.execute("SELECT realtime.enable('public.no_such_table')"))
                .hasMessageContaining("does not exist");
        assertThat(inPublication("public.bad")).isFalse();
    }

    @Test
    void aTableWithoutPrimaryKeyGetsReplicaIdentityFullSoItStaysWritable() {
        db.execute("CREATE TABLE public.events_log (at timestamptz, msg text)", "SELECT realtime.enable('public.events_log')",
                "INSERT INTO public.events_log VALUES (now(), 'x')");
        assertThat(identity("public.events_log")).isEqualTo("f");
        db.execute("UPDATE public.events_log SET msg = 'y'", "DELETE FROM public.events_log");
    }

    @Test
    void disableRemovesTheTableFromThePublicationAndTheConfiguration() {
        db.execute("CREATE TABLE public.temp_things (id int PRIMARY KEY)", "SELECT realtime.enable('public.temp_things')");
        assertThat(db.queryOne("SELECT realtime.disable('public.temp_things')")).isEqualTo("t");
        assertThat(inPublication("public.temp_things")).isFalse();
        assertThat(db.queryOne("SELECT count(*) FROM realtime.tables WHERE table_name = 'temp_things'")).isEqualTo("0");
        assertThat(db.queryOne("SELECT realtime.disable('public.temp_things')")).as("second disable").isEqualTo("f");
    }

    @Test
    void enabledTablesViewShowsSettingsAndPublicationState() {
        db.execute("CREATE TABLE public.viewed (id int PRIMARY KEY)", "SELECT realtime.enable('public.viewed')");
        assertThat(db.queryOne("SELECT in_publication FROM realtime.enabled_tables WHERE table_name = 'viewed'"))
                .isEqualTo("t");
        // Removed from the publication behind realtime's back: the view says so.
        db.execute("ALTER PUBLICATION realtime DROP TABLE public.viewed");
        assertThat(db.queryOne("SELECT in_publication FROM realtime.enabled_tables WHERE table_name = 'viewed'"))
                .isEqualTo("f");
    }

    @Test
    void publicAliasesBehaveLikeTheRealtimeFunctions() {
        db.execute("CREATE TABLE public.aliased (id int PRIMARY KEY)");
        db.execute("SELECT enable_realtime('public.aliased', actions => array['insert'])");
        assertThat(inPublication("public.aliased")).isTrue();
        assertThat(db.queryOne("SELECT actions::text FROM realtime_enabled_tables WHERE table_name = 'aliased'"))
                .isEqualTo("{insert}");
        assertThat(db.queryOne("SELECT disable_realtime('public.aliased')")).isEqualTo("t");
        assertThat(inPublication("public.aliased")).isFalse();
    }

    @Test
    void sendRequiresChannelAndEventAndEmitsATransactionalMessage() {
        assertThatThrownBy(() -> db.execute("SELECT realtime.send('', 'e', '{}')")).hasMessageContaining("required");
        assertThatThrownBy(() -> db.execute("SELECT realtime.send('room:a', NULL, '{}')")).hasMessageContaining("required");
        assertThat(db.queryOne("SELECT realtime.send('room:a', 'e', '{\"k\":1}') IS NOT NULL")).isEqualTo("t");
    }
}
