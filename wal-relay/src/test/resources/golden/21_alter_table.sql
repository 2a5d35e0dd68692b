-- Schema changes between changes: events after ALTER TABLE ADD COLUMN have the new column (NULL or
-- its default for existing rows), events after DROP COLUMN no longer have the dropped one.
CREATE TABLE golden_alter (id int PRIMARY KEY, a text, b int);
SELECT realtime.enable('public.golden_alter');

-- changes
BEGIN;
INSERT INTO golden_alter VALUES (1, 'before', 1);
COMMIT;
ALTER TABLE golden_alter ADD COLUMN c numeric DEFAULT 2.50;
BEGIN;
UPDATE golden_alter SET b = 2 WHERE id = 1;
INSERT INTO golden_alter VALUES (2, 'added', 3, 4.00);
COMMIT;
ALTER TABLE golden_alter DROP COLUMN a;
BEGIN;
UPDATE golden_alter SET b = 5 WHERE id = 2;
COMMIT;
BEGIN;
INSERT INTO golden_alter VALUES (3, 6, 7);
ALTER TABLE golden_alter ADD COLUMN d text;
INSERT INTO golden_alter VALUES (4, 8, 9, 'same transaction');
COMMIT;
