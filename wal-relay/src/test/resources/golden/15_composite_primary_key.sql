-- A composite primary key declared in another order than the columns: pk lists the key columns
-- in key order; old_record of DEFAULT identity has exactly the key columns.
CREATE TABLE golden_composite (item_id int, tenant text, qty int, PRIMARY KEY (tenant, item_id));
INSERT INTO golden_composite VALUES (1, 'acme', 5), (2, 'acme', 6);
SELECT realtime.enable('public.golden_composite');

-- changes
BEGIN;
INSERT INTO golden_composite VALUES (1, 'globex', 7);
COMMIT;
BEGIN;
UPDATE golden_composite SET qty = 50 WHERE tenant = 'acme' AND item_id = 1;
UPDATE golden_composite SET tenant = 'initech' WHERE tenant = 'acme' AND item_id = 2;
COMMIT;
BEGIN;
DELETE FROM golden_composite WHERE tenant = 'globex';
COMMIT;
