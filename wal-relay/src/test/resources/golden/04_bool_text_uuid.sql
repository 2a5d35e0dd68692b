-- bool as JSON true/false; text, varchar, char(n) (blank-padded) and uuid as strings, unescaped.
CREATE TABLE golden_text (id int PRIMARY KEY, flag boolean, body text, label varchar(20), code char(5), ref uuid);
SELECT realtime.enable('public.golden_text');

-- changes
BEGIN;
INSERT INTO golden_text VALUES (1, true, 'plain', 'short', 'ab', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
INSERT INTO golden_text VALUES (2, false, E'quote " backslash \\ tab \t newline \n end', 'comma, {brace}', 'abcde',
                                 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12');
INSERT INTO golden_text VALUES (3, NULL, 'héllo wörld ✓ 😀', '', ' ', NULL);
INSERT INTO golden_text VALUES (4, true, 'NULL', 'null', NULL, '00000000-0000-0000-0000-000000000000');
INSERT INTO golden_text VALUES (5, false, '', '  padded  ', 'x y', NULL);
COMMIT;
