-- numeric as a JSON number with PostgreSQL's exact digits and scale (never through double);
-- NaN and +-Infinity as strings.
CREATE TABLE golden_numeric (id int PRIMARY KEY, n numeric, money_like numeric(12,4));
SELECT realtime.enable('public.golden_numeric');

-- changes
BEGIN;
INSERT INTO golden_numeric VALUES (1, 1.50, 1.5);
INSERT INTO golden_numeric VALUES (2, 0.000000001, 0);
INSERT INTO golden_numeric VALUES (3, 123456789012345678901234567890.123456789012345678901234567890, -99999999.9999);
INSERT INTO golden_numeric VALUES (4, 1e20, 0.00005);
INSERT INTO golden_numeric VALUES (5, -0.10, 12.34565);
INSERT INTO golden_numeric VALUES (6, 'NaN', NULL);
INSERT INTO golden_numeric VALUES (7, 'Infinity', NULL);
INSERT INTO golden_numeric VALUES (8, '-Infinity', NULL);
INSERT INTO golden_numeric VALUES (9, 9223372036854775808, NULL);
INSERT INTO golden_numeric VALUES (10, 0.1 + 0.2, NULL);
COMMIT;
