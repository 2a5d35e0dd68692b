-- realtime.enable(exclude_columns => ...): the excluded column is absent from record, old_record
-- (REPLICA IDENTITY FULL) and unchanged_toast; an update of only that column is still an event.
CREATE TABLE golden_exclude (id int PRIMARY KEY, name text, secret text, notes text);
ALTER TABLE golden_exclude ALTER COLUMN secret SET STORAGE EXTERNAL;
SELECT realtime.enable('public.golden_exclude', replica_identity_full => true, exclude_columns => array['secret']);

-- changes
BEGIN;
INSERT INTO golden_exclude VALUES (1, 'ann', 'hunter2', 'n1');
COMMIT;
BEGIN;
UPDATE golden_exclude SET name = 'anne' WHERE id = 1;
UPDATE golden_exclude SET secret = repeat(md5('x'), 200) WHERE id = 1;
COMMIT;
BEGIN;
UPDATE golden_exclude SET notes = 'n2' WHERE id = 1;
COMMIT;
BEGIN;
DELETE FROM golden_exclude WHERE id = 1;
COMMIT;
