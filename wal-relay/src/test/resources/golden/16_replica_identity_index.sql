-- REPLICA IDENTITY USING INDEX on a unique column that is not the primary key: old_record holds
-- the identity column (what PostgreSQL sends), pk is still the primary key.
CREATE TABLE golden_ri_index (id int PRIMARY KEY, email text NOT NULL, name text);
CREATE UNIQUE INDEX golden_ri_index_email ON golden_ri_index (email);
ALTER TABLE golden_ri_index REPLICA IDENTITY USING INDEX golden_ri_index_email;
INSERT INTO golden_ri_index VALUES (1, 'ann@example.com', 'ann'), (2, 'bob@example.com', 'bob');
SELECT realtime.enable('public.golden_ri_index');

-- changes
BEGIN;
INSERT INTO golden_ri_index VALUES (3, 'cy@example.com', 'cy');
COMMIT;
BEGIN;
UPDATE golden_ri_index SET email = 'ann@example.org' WHERE id = 1;
COMMIT;
BEGIN;
DELETE FROM golden_ri_index WHERE id = 2;
COMMIT;
