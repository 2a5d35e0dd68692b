-- A configuration change applies from its position in the WAL on, even inside one transaction:
-- the insert before realtime.enable(... exclude_columns) has the column, the one after has not;
-- after realtime.disable nothing more is published.
CREATE TABLE golden_reconfig (id int PRIMARY KEY, secret text);
SELECT realtime.enable('public.golden_reconfig');

-- changes
BEGIN;
INSERT INTO golden_reconfig VALUES (1, 'visible');
SELECT realtime.enable('public.golden_reconfig', exclude_columns => array['secret']);
INSERT INTO golden_reconfig VALUES (2, 'hidden');
COMMIT;
BEGIN;
INSERT INTO golden_reconfig VALUES (3, 'hidden too');
SELECT realtime.disable('public.golden_reconfig');
INSERT INTO golden_reconfig VALUES (4, 'not published');
COMMIT;
BEGIN;
INSERT INTO golden_reconfig VALUES (5, 'not published either');
COMMIT;
