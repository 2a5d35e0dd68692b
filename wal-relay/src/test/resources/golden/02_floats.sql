-- float4 and float8 as JSON numbers with the shortest digits that round-trip (the digits
-- PostgreSQL prints, in Java's notation: 1e+22 is 1.0E22);
-- NaN, Infinity and -Infinity as strings (JSON has no such numbers).
CREATE TABLE golden_floats (id int PRIMARY KEY, f4 float4, f8 float8);
SELECT realtime.enable('public.golden_floats');

-- changes
BEGIN;
INSERT INTO golden_floats VALUES (1, 0.1, 0.1);
INSERT INTO golden_floats VALUES (2, 1.5, -2.25);
INSERT INTO golden_floats VALUES (3, 3.4028235e38, 1.7976931348623157e308);
INSERT INTO golden_floats VALUES (4, 1e-45, 5e-324);
INSERT INTO golden_floats VALUES (5, 123456.7, 1234567890.123456);
INSERT INTO golden_floats VALUES (6, 'NaN', 'NaN');
INSERT INTO golden_floats VALUES (7, 'Infinity', 'Infinity');
INSERT INTO golden_floats VALUES (8, '-Infinity', '-Infinity');
INSERT INTO golden_floats VALUES (9, 0, '-0');
INSERT INTO golden_floats VALUES (10, 1e10, 1e22);
INSERT INTO golden_floats VALUES (11, NULL, NULL);
-- Values whose shortest digits Java 17's Float/Double.toString does not find (JDK-4511638).
INSERT INTO golden_floats VALUES (12, 9e9, 1e23);
INSERT INTO golden_floats VALUES (13, 1e16, 2e23);
COMMIT;
