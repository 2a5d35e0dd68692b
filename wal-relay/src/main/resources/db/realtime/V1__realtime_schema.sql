-- Realtime configuration schema. Placeholder ${publication} is the publication the relay streams.


-- One row per table with realtime enabled. Itself published, so configuration changes reach the
-- relay through the WAL, in order with the data they govern.
CREATE TABLE realtime.tables (
    schema_name           text        NOT NULL,
    table_name            text        NOT NULL,
    actions               text[]      NOT NULL DEFAULT ARRAY['insert','update','delete','truncate'],
    replica_identity_full boolean     NOT NULL DEFAULT false,
    roles                 text[]      NOT NULL DEFAULT ARRAY['authenticated'],
    row_filter            jsonb,
    exclude_columns       text[]      NOT NULL DEFAULT '{}',
    payload               text        NOT NULL DEFAULT 'full',
    rls                   boolean     NOT NULL DEFAULT false,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (schema_name, table_name),
    CONSTRAINT tables_actions_valid CHECK (actions <@ ARRAY['insert','update','delete','truncate']),
    CONSTRAINT tables_payload_valid CHECK (payload IN ('full', 'keys')),
    CONSTRAINT tables_row_filter_object CHECK (row_filter IS NULL OR jsonb_typeof(row_filter) = 'object')
);
ALTER TABLE realtime.tables REPLICA IDENTITY FULL;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = '${publication}') THEN
        -- publish_via_partition_root: changes of a partition arrive as changes of the partitioned table.
        EXECUTE format('CREATE PUBLICATION %I WITH (publish_via_partition_root = true)', '${publication}');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_publication_tables
                   WHERE pubname = '${publication}' AND schemaname = 'realtime' AND tablename = 'tables') THEN
        EXECUTE format('ALTER PUBLICATION %I ADD TABLE realtime.tables', '${publication}');
    END IF;
END
$$;

CREATE FUNCTION realtime.enable(
    tbl                   regclass,
    actions               text[]  DEFAULT ARRAY['insert','update','delete','truncate'],
    replica_identity_full boolean DEFAULT false,
    roles                 text[]  DEFAULT ARRAY['authenticated'],
    row_filter            jsonb   DEFAULT NULL,
    exclude_columns       text[]  DEFAULT '{}',
    payload               text    DEFAULT 'full',
    rls                   boolean DEFAULT false)
RETURNS realtime.tables
LANGUAGE plpgsql
AS $$
#variable_conflict use_variable
DECLARE
    s        text;
    t        text;
    kind     "char";
    identity "char";
    has_key  boolean;
    result   realtime.tables;
BEGIN
    SELECT n.nspname, c.relname, c.relkind, c.relreplident
      INTO s, t, kind, identity
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = tbl;
    IF s = 'realtime' THEN
        RAISE EXCEPTION 'realtime.enable: tables of schema realtime cannot be enabled';
    END IF;
    IF kind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION 'realtime.enable: % is not a table', tbl;
    END IF;
    SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = tbl AND (i.indisprimary OR i.indisreplident))
      INTO has_key;
    INSERT INTO realtime.tables AS rt (schema_name, table_name, actions, replica_identity_full, roles,
                                       row_filter, exclude_columns, payload, rls, updated_at)
    VALUES (s, t, coalesce(actions, ARRAY['insert','update','delete','truncate']),
            coalesce(replica_identity_full, false), coalesce(roles, ARRAY['authenticated']),
            row_filter, coalesce(exclude_columns, '{}'), coalesce(payload, 'full'), coalesce(rls, false), now())
    ON CONFLICT (schema_name, table_name) DO UPDATE
        SET actions = EXCLUDED.actions,
            replica_identity_full = EXCLUDED.replica_identity_full,
            roles = EXCLUDED.roles,
            row_filter = EXCLUDED.row_filter,
            exclude_columns = EXCLUDED.exclude_columns,
            payload = EXCLUDED.payload,
            rls = EXCLUDED.rls,
            updated_at = now()
    RETURNING * INTO result;
    IF NOT EXISTS (SELECT 1 FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid
                    WHERE p.pubname = '${publication}' AND pr.prrelid = tbl) THEN
        EXECUTE format('ALTER PUBLICATION %I ADD TABLE %I.%I', '${publication}', s, t);
    END IF;
    IF coalesce(replica_identity_full, false) AND identity <> 'f' THEN
        EXECUTE format('ALTER TABLE %I.%I REPLICA IDENTITY FULL', s, t);
    ELSIF NOT has_key AND identity = 'd' THEN
        -- Without a key PostgreSQL refuses UPDATE and DELETE on a published table; FULL keeps it writable.
        RAISE NOTICE 'realtime.enable: %.% has no primary key; setting REPLICA IDENTITY FULL', s, t;
        EXECUTE format('ALTER TABLE %I.%I REPLICA IDENTITY FULL', s, t);
    END IF;
    RETURN result;
END
$$;

CREATE FUNCTION realtime.disable(tbl regclass)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    s       text;
    t       text;
    removed boolean;
    n       bigint;
BEGIN
    SELECT n.nspname, c.relname INTO s, t
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl;
    DELETE FROM realtime.tables WHERE schema_name = s AND table_name = t;
    GET DIAGNOSTICS n = ROW_COUNT;
    removed := n > 0;
    IF EXISTS (SELECT 1 FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid
                WHERE p.pubname = '${publication}' AND pr.prrelid = tbl) THEN
        EXECUTE format('ALTER PUBLICATION %I DROP TABLE %I.%I', '${publication}', s, t);
        removed := true;
    END IF;
    RETURN coalesce(removed, false);
END
$$;

CREATE VIEW realtime.enabled_tables AS
SELECT t.schema_name, t.table_name, t.actions, t.replica_identity_full, t.roles, t.row_filter,
       t.exclude_columns, t.payload, t.rls, t.updated_at,
       EXISTS (SELECT 1 FROM pg_publication_tables pt
                WHERE pt.pubname = '${publication}' AND pt.schemaname = t.schema_name
                  AND pt.tablename = t.table_name) AS in_publication
  FROM realtime.tables t
 ORDER BY t.schema_name, t.table_name;

-- A broadcast from SQL: delivered to channel subscribers only if the calling transaction commits.
CREATE FUNCTION realtime.send(channel text, event text, payload jsonb DEFAULT '{}'::jsonb)
RETURNS pg_lsn
LANGUAGE plpgsql
AS $$
BEGIN
    IF channel IS NULL OR channel = '' OR event IS NULL OR event = '' THEN
        RAISE EXCEPTION 'realtime.send: channel and event are required';
    END IF;
    RETURN pg_logical_emit_message(true, 'realtime.broadcast',
        jsonb_build_object('channel', channel, 'event', event, 'payload', coalesce(payload, '{}'::jsonb))::text);
END
$$;

-- Familiar aliases in public.
CREATE FUNCTION public.enable_realtime(
    tbl                   regclass,
    actions               text[]  DEFAULT ARRAY['insert','update','delete','truncate'],
    replica_identity_full boolean DEFAULT false,
    roles                 text[]  DEFAULT ARRAY['authenticated'],
    row_filter            jsonb   DEFAULT NULL,
    exclude_columns       text[]  DEFAULT '{}',
    payload               text    DEFAULT 'full',
    rls                   boolean DEFAULT false)
RETURNS realtime.tables
LANGUAGE sql
AS $$
    SELECT realtime.enable(tbl, actions, replica_identity_full, roles, row_filter, exclude_columns, payload, rls)
$$;

CREATE FUNCTION public.disable_realtime(tbl regclass)
RETURNS boolean
LANGUAGE sql
AS $$ SELECT realtime.disable(tbl) $$;

CREATE VIEW public.realtime_enabled_tables AS SELECT * FROM realtime.enabled_tables;
