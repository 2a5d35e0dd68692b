-- int2, int4, int8 as JSON integers: extremes, zero, negative, NULL.
CREATE TABLE golden_integers (id int PRIMARY KEY, small int2, regular int4, big int8);
SELECT realtime.enable('public.golden_integers');

-- changes
BEGIN;
INSERT INTO golden_integers VALUES (1, 32767, 2147483647, 9223372036854775807);
INSERT INTO golden_integers VALUES (2, -32768, -2147483648, -9223372036854775808);
INSERT INTO golden_integers VALUES (3, 0, 0, 0);
INSERT INTO golden_integers VALUES (4, NULL, NULL, NULL);
COMMIT;
BEGIN;
UPDATE golden_integers SET big = big - 1 WHERE id = 1;
COMMIT;
