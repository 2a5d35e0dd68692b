-- An unchanged TOASTed value under REPLICA IDENTITY DEFAULT: PostgreSQL does not send it, so it is
-- absent from record and named in unchanged_toast. Once it is changed it is sent again.
-- The value (12800 characters of md5 hex) is stored out of line: STORAGE EXTERNAL forbids
-- compression, so the fixture does not depend on the compression method.
CREATE TABLE golden_toast_default (id int PRIMARY KEY, counter int, big text);
ALTER TABLE golden_toast_default ALTER COLUMN big SET STORAGE EXTERNAL;
INSERT INTO golden_toast_default SELECT 1, 0, string_agg(md5(i::text), '') FROM generate_series(1, 400) i;
SELECT realtime.enable('public.golden_toast_default');

-- changes
BEGIN;
UPDATE golden_toast_default SET counter = 1 WHERE id = 1;
COMMIT;
BEGIN;
UPDATE golden_toast_default SET counter = 2, big = 'small now' WHERE id = 1;
COMMIT;
BEGIN;
DELETE FROM golden_toast_default WHERE id = 1;
COMMIT;
