-- A partitioned table enabled on its parent: rows written through the parent or straight into a
-- partition appear on the parent's stream as the parent's changes (the publication has
-- publish_via_partition_root). A row moving to another partition is a DELETE and an INSERT.
-- TRUNCATE of the parent is one event of the parent.
CREATE TABLE golden_part (id int, region text, amount int, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE golden_part_eu PARTITION OF golden_part FOR VALUES IN ('eu');
CREATE TABLE golden_part_us PARTITION OF golden_part FOR VALUES IN ('us');
SELECT realtime.enable('public.golden_part');

-- changes
BEGIN;
INSERT INTO golden_part VALUES (1, 'eu', 10);
INSERT INTO golden_part_us VALUES (2, 'us', 20);
COMMIT;
BEGIN;
UPDATE golden_part SET amount = 11 WHERE id = 1;
COMMIT;
BEGIN;
UPDATE golden_part SET region = 'us' WHERE id = 1;
COMMIT;
BEGIN;
DELETE FROM golden_part_us WHERE id = 2;
COMMIT;
-- PostgreSQL (pgoutput with publish_via_partition_root) sends no TRUNCATE for a partition
-- truncated on its own: this transaction publishes only the insert. A limitation of PostgreSQL.
BEGIN;
INSERT INTO golden_part_eu VALUES (3, 'eu', 30);
TRUNCATE golden_part_eu;
COMMIT;
BEGIN;
TRUNCATE golden_part;
COMMIT;
