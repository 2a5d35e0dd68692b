-- TRUNCATE: one event per published table, no record. Two tables in one statement give two
-- events of one transaction; RESTART IDENTITY and CASCADE are not visible in the event (pgoutput
-- sends them as flags), but CASCADE adds the referencing table.
CREATE TABLE golden_trunc_a (id serial PRIMARY KEY, v text);
CREATE TABLE golden_trunc_b (id int PRIMARY KEY);
CREATE TABLE golden_trunc_parent (id int PRIMARY KEY);
CREATE TABLE golden_trunc_child (id int PRIMARY KEY, parent_id int REFERENCES golden_trunc_parent (id));
INSERT INTO golden_trunc_a (v) VALUES ('x'), ('y');
INSERT INTO golden_trunc_b VALUES (1);
INSERT INTO golden_trunc_parent VALUES (1);
INSERT INTO golden_trunc_child VALUES (1, 1);
SELECT realtime.enable('public.golden_trunc_a');
SELECT realtime.enable('public.golden_trunc_b');
SELECT realtime.enable('public.golden_trunc_parent');
SELECT realtime.enable('public.golden_trunc_child');

-- changes
BEGIN;
TRUNCATE golden_trunc_a, golden_trunc_b;
COMMIT;
BEGIN;
INSERT INTO golden_trunc_a (v) VALUES ('after first truncate');
TRUNCATE golden_trunc_a RESTART IDENTITY;
INSERT INTO golden_trunc_a (v) VALUES ('after restart identity');
COMMIT;
BEGIN;
TRUNCATE golden_trunc_parent CASCADE;
COMMIT;
