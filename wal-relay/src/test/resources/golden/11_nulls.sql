-- SQL NULL is JSON null for every type, on insert and on update to NULL (not left out).
CREATE TABLE golden_nulls (id int PRIMARY KEY, i int, t text, n numeric, b bool, j jsonb, a int[], ts timestamptz, u uuid);
SELECT realtime.enable('public.golden_nulls');

-- changes
BEGIN;
INSERT INTO golden_nulls (id) VALUES (1);
INSERT INTO golden_nulls VALUES (2, 1, 'x', 1.0, true, '{"a":1}', '{1}', '2024-01-01 00:00:00+00', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
COMMIT;
BEGIN;
UPDATE golden_nulls SET i = NULL, t = NULL, n = NULL, b = NULL, j = NULL, a = NULL, ts = NULL, u = NULL WHERE id = 2;
UPDATE golden_nulls SET j = 'null'::jsonb WHERE id = 1;
COMMIT;
