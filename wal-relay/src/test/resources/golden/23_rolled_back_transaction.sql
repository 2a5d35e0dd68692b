-- A rolled-back transaction produces nothing; neither does a subtransaction rolled back to its
-- savepoint inside a committed one (its neighbours are kept).
CREATE TABLE golden_rollback (id int PRIMARY KEY, v text);
SELECT realtime.enable('public.golden_rollback');

-- changes
BEGIN;
INSERT INTO golden_rollback VALUES (1, 'rolled back');
UPDATE golden_rollback SET v = 'still rolled back' WHERE id = 1;
ROLLBACK;
BEGIN;
INSERT INTO golden_rollback VALUES (2, 'kept');
SAVEPOINT s;
INSERT INTO golden_rollback VALUES (3, 'rolled back to savepoint');
ROLLBACK TO SAVEPOINT s;
INSERT INTO golden_rollback VALUES (4, 'kept too');
COMMIT;
