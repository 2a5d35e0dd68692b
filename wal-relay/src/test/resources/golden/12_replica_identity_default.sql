-- REPLICA IDENTITY DEFAULT: an UPDATE that keeps the key has no old_record; one that changes the
-- key gives the old key only; a DELETE gives the key only.
CREATE TABLE golden_ri_default (id int PRIMARY KEY, name text, score int);
INSERT INTO golden_ri_default VALUES (1, 'ann', 10), (2, 'bob', 20);
SELECT realtime.enable('public.golden_ri_default');

-- changes
BEGIN;
INSERT INTO golden_ri_default VALUES (3, 'cy', 30);
COMMIT;
BEGIN;
UPDATE golden_ri_default SET score = 11 WHERE id = 1;
COMMIT;
BEGIN;
UPDATE golden_ri_default SET id = 20, name = 'bobby' WHERE id = 2;
COMMIT;
BEGIN;
DELETE FROM golden_ri_default WHERE id = 3;
COMMIT;
