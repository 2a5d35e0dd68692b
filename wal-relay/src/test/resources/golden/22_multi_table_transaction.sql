-- One transaction over two tables: every event has the same tx, the index counts the changes
-- of the transaction across tables, and the merged order is the order of the changes.
CREATE TABLE golden_mt_orders (id int PRIMARY KEY, total numeric);
CREATE TABLE golden_mt_lines (order_id int, line int, sku text, PRIMARY KEY (order_id, line));
SELECT realtime.enable('public.golden_mt_orders');
SELECT realtime.enable('public.golden_mt_lines');

-- changes
BEGIN;
INSERT INTO golden_mt_orders VALUES (1, 0);
INSERT INTO golden_mt_lines VALUES (1, 1, 'apple');
INSERT INTO golden_mt_lines VALUES (1, 2, 'pear');
UPDATE golden_mt_orders SET total = 3.75 WHERE id = 1;
COMMIT;
BEGIN;
DELETE FROM golden_mt_lines WHERE order_id = 1 AND line = 2;
UPDATE golden_mt_orders SET total = 1.25 WHERE id = 1;
COMMIT;
