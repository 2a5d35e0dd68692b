-- timestamp as ISO-8601 local date-time; timestamptz as ISO-8601 in UTC ending in Z whatever
-- offset or session time zone it was written with; date and time as ISO strings; timetz and
-- interval as PostgreSQL's text form; infinity as PostgreSQL's text.
CREATE TABLE golden_temporal (id int PRIMARY KEY, ts timestamp, tstz timestamptz, d date, t time, ttz timetz, iv interval);
SELECT realtime.enable('public.golden_temporal');

-- changes
SET TimeZone = 'America/New_York';
BEGIN;
INSERT INTO golden_temporal VALUES (1, '2024-01-01 10:00:00.123456', '2024-01-01 10:00:00.123456+05:30',
                                    '2024-02-29', '13:45:30.123456', '13:45:30+05:30', '1 year 2 mons 3 days 04:05:06.789');
-- No offset in the literal: the session time zone (New York, EDT in July) applies.
INSERT INTO golden_temporal VALUES (2, '2024-07-04 00:00:00', '2024-07-04 00:00:00',
                                    '1999-12-31', '00:00:00', '23:59:59.999999-08', '-3 days -00:00:01');
INSERT INTO golden_temporal VALUES (3, '2024-03-10 12:30:00.5', '2024-03-10 12:30:00.5 Asia/Kolkata',
                                    '2000-01-01', '24:00:00', '00:00:00+00', '00:00:00');
INSERT INTO golden_temporal VALUES (4, 'infinity', '-infinity', 'infinity', NULL, NULL, '6 mons 0.000001 secs');
INSERT INTO golden_temporal VALUES (5, NULL, '1970-01-01 00:00:00+00', NULL, NULL, NULL, NULL);
-- Years outside 0001..9999: ISO-8601 expanded years (1 BC is year 0000, 44 BC is -0043).
INSERT INTO golden_temporal VALUES (6, '0044-03-15 12:00:00.25 BC', '0044-03-15 12:00:00+00 BC', '0044-03-15 BC', NULL, NULL, NULL);
INSERT INTO golden_temporal VALUES (7, '0001-12-31 23:59:59 BC', '0001-01-01 00:00:00+00', '0001-01-01', NULL, NULL, NULL);
INSERT INTO golden_temporal VALUES (8, '12345-06-07 08:09:10', '12345-06-07 08:09:10+00', '12345-06-07', NULL, NULL, NULL);
COMMIT;
