-- bytea as PostgreSQL's hex text (\x...), whatever form it was written in.
CREATE TABLE golden_bytea (id int PRIMARY KEY, data bytea);
SELECT realtime.enable('public.golden_bytea');

-- changes
BEGIN;
INSERT INTO golden_bytea VALUES (1, '\x00ff10');
INSERT INTO golden_bytea VALUES (2, '');
INSERT INTO golden_bytea VALUES (3, 'abc\000\\'::bytea);
INSERT INTO golden_bytea VALUES (4, convert_to('héllo', 'UTF8'));
INSERT INTO golden_bytea VALUES (5, NULL);
COMMIT;
