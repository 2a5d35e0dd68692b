-- An unchanged TOASTed value under REPLICA IDENTITY FULL: the old row carries it, so record has
-- it too, and it is still named in unchanged_toast (it did not change).
CREATE TABLE golden_toast_full (id int PRIMARY KEY, counter int, big text);
ALTER TABLE golden_toast_full ALTER COLUMN big SET STORAGE EXTERNAL;
INSERT INTO golden_toast_full SELECT 1, 0, string_agg(md5(i::text), '') FROM generate_series(1, 400) i;
SELECT realtime.enable('public.golden_toast_full', replica_identity_full => true);

-- changes
BEGIN;
UPDATE golden_toast_full SET counter = 1 WHERE id = 1;
COMMIT;
