-- realtime.send: a broadcast on the control stream, only when its transaction commits, in WAL
-- order with the changes of the same transaction (sharing its tx and index sequence).
CREATE TABLE golden_send (id int PRIMARY KEY, v text);
SELECT realtime.enable('public.golden_send');

-- changes
BEGIN;
SELECT realtime.send('room:lobby', 'game:state', '{"phase":"battle","round":1.50}'::jsonb);
COMMIT;
BEGIN;
SELECT realtime.send('room:lobby', 'game:state', '{"phase":"lost"}'::jsonb);
INSERT INTO golden_send VALUES (1, 'rolled back');
ROLLBACK;
BEGIN;
INSERT INTO golden_send VALUES (2, 'with message');
SELECT realtime.send('room:lobby', 'row:added', jsonb_build_object('id', 2));
INSERT INTO golden_send VALUES (3, 'after message');
COMMIT;
BEGIN;
SELECT realtime.send('notifications', 'ping');
COMMIT;
