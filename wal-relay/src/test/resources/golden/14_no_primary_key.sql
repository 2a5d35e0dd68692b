-- A table without a primary key: realtime.enable sets REPLICA IDENTITY FULL so that UPDATE and
-- DELETE work; pk is empty and old_record is the whole old row (duplicates included).
CREATE TABLE golden_no_pk (name text, score int);
INSERT INTO golden_no_pk VALUES ('ann', 1), ('ann', 1), ('bob', 2);
SELECT realtime.enable('public.golden_no_pk');

-- changes
BEGIN;
INSERT INTO golden_no_pk VALUES ('cy', 3);
COMMIT;
BEGIN;
UPDATE golden_no_pk SET score = 5 WHERE name = 'ann';
COMMIT;
BEGIN;
DELETE FROM golden_no_pk WHERE name = 'bob';
COMMIT;
