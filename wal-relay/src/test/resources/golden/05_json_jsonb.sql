-- json and jsonb embedded as JSON values (not strings), numbers exact. jsonb is PostgreSQL's
-- normalized form (keys sorted, duplicates removed); json keeps the key order as written.
CREATE TABLE golden_json (id int PRIMARY KEY, j json, jb jsonb);
SELECT realtime.enable('public.golden_json');

-- changes
BEGIN;
INSERT INTO golden_json VALUES (1, '{"b": 1, "a": [1, 2.50, "x"], "nested": {"k": null}}',
                                   '{"b": 1, "a": [1, 2.50, "x"], "nested": {"k": null}}');
INSERT INTO golden_json VALUES (2, '[1, "two", true, null, {"three": 3}]', '[1, "two", true, null, {"three": 3}]');
INSERT INTO golden_json VALUES (3, '"a string"', '"a string"');
INSERT INTO golden_json VALUES (4, '12345678901234567890.123456789012345678901', '12345678901234567890.123456789012345678901');
INSERT INTO golden_json VALUES (5, '{"quote": "say \"hi\"", "unicode": "\u00e9\u2713", "emoji": "😀"}',
                                   '{"quote": "say \"hi\"", "unicode": "\u00e9\u2713", "emoji": "😀"}');
INSERT INTO golden_json VALUES (6, '{}', '[]');
INSERT INTO golden_json VALUES (7, 'true', 'false');
INSERT INTO golden_json VALUES (8, NULL, NULL);
INSERT INTO golden_json VALUES (9, '{"n": 1e3, "m": -0.0, "big": 1E+400}', '{"n": 1e3, "m": -0.0, "big": 1E+400}');
COMMIT;
BEGIN;
UPDATE golden_json SET jb = jb || '{"c": 3}'::jsonb WHERE id = 1;
COMMIT;
