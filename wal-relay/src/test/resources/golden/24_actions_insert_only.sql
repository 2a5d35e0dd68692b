-- realtime.enable(actions => array['insert']): updates, deletes and truncates are not published.
-- The index still counts them, so stream IDs do not depend on the configuration.
CREATE TABLE golden_insert_only (id int PRIMARY KEY, v text);
SELECT realtime.enable('public.golden_insert_only', actions => array['insert']);

-- changes
BEGIN;
INSERT INTO golden_insert_only VALUES (1, 'a');
UPDATE golden_insert_only SET v = 'b' WHERE id = 1;
DELETE FROM golden_insert_only WHERE id = 1;
INSERT INTO golden_insert_only VALUES (2, 'c');
COMMIT;
BEGIN;
UPDATE golden_insert_only SET v = 'd';
COMMIT;
BEGIN;
TRUNCATE golden_insert_only;
COMMIT;
