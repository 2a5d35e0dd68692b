-- REPLICA IDENTITY FULL (replica_identity_full => true): UPDATE and DELETE carry the whole old
-- row; pk is still the table's real primary key, not every column.
CREATE TABLE golden_ri_full (id int PRIMARY KEY, name text, score int, note text);
INSERT INTO golden_ri_full VALUES (1, 'ann', 10, NULL), (2, 'bob', 20, 'x');
SELECT realtime.enable('public.golden_ri_full', replica_identity_full => true);

-- changes
BEGIN;
UPDATE golden_ri_full SET score = 11, note = 'changed' WHERE id = 1;
COMMIT;
BEGIN;
UPDATE golden_ri_full SET id = 22 WHERE id = 2;
COMMIT;
BEGIN;
DELETE FROM golden_ri_full WHERE id = 1;
COMMIT;
