-- An enum as its label; a domain as its base type (over int: a number; over text: a string);
-- an array of enums and an array of a domain, element by element.
CREATE TYPE golden_mood AS ENUM ('sad', 'ok', 'happy', 'very "happy", really');
CREATE DOMAIN golden_positive AS int CHECK (VALUE > 0);
CREATE DOMAIN golden_email AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE golden_enum_domain (
    id      int PRIMARY KEY,
    mood    golden_mood,
    qty     golden_positive,
    email   golden_email,
    moods   golden_mood[],
    qtys    golden_positive[]
);
SELECT realtime.enable('public.golden_enum_domain');

-- changes
BEGIN;
INSERT INTO golden_enum_domain VALUES (1, 'happy', 42, 'ann@example.com', '{sad,ok,happy}', '{1,2,3}');
INSERT INTO golden_enum_domain VALUES (2, 'very "happy", really', 1, 'b@c', ARRAY['very "happy", really'::golden_mood, NULL], '{}');
INSERT INTO golden_enum_domain VALUES (3, NULL, NULL, NULL, NULL, NULL);
COMMIT;
