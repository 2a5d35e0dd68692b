-- Arrays as JSON arrays, nested for n dimensions, each element converted by its element type;
-- NULL elements as null, the string "NULL" as a string; a non-default lower bound is dropped.
CREATE TABLE golden_arrays (
    id     int PRIMARY KEY,
    ints   int[],
    grid   int[][],
    cube   int[][][],
    texts  text[],
    nums   numeric[],
    floats float8[],
    flags  bool[],
    docs   jsonb[],
    stamps timestamptz[],
    ids    uuid[],
    blobs  bytea[]
);
SELECT realtime.enable('public.golden_arrays');

-- changes
SET TimeZone = 'UTC';
BEGIN;
INSERT INTO golden_arrays VALUES (1,
    '{1,2,3}', '{{1,2},{3,4}}', '{{{1,2},{3,4}},{{5,6},{7,8}}}',
    ARRAY['a,b', 'say "hi"', 'back\slash', '{braces}', ' spaced ', 'NULL', NULL, '', 'plain'],
    '{1.50,NaN,-0.001}', '{0.5,NaN,Infinity,-Infinity}', '{t,f,NULL}',
    ARRAY['{"a": 1}'::jsonb, '[1, "x"]'::jsonb, 'null'::jsonb, NULL, '"s"'::jsonb],
    ARRAY['2024-01-01 10:00:00+05:30'::timestamptz, '2024-06-30 23:59:59.5-07:00'::timestamptz],
    ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid],
    ARRAY['\x0102'::bytea, '\x'::bytea]);
INSERT INTO golden_arrays VALUES (2, '{NULL,NULL}', '{{NULL,1},{2,NULL}}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}');
INSERT INTO golden_arrays (id, ints, grid, texts) VALUES (3, '[0:2]={7,8,9}', '[2:3][1:1]={{1},{2}}', ARRAY[E'new\nline', E'tab\tchar', 'ümlaut']);
INSERT INTO golden_arrays (id) VALUES (4);
COMMIT;
