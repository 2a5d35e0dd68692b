-- Types without a JSON mapping travel as PostgreSQL's text form. (money is left out: its text
-- depends on the server's lc_monetary.)
CREATE TYPE golden_pair AS (n int, label text);
CREATE TABLE golden_other (
    id    int PRIMARY KEY,
    addr  inet,
    net   cidr,
    mac   macaddr,
    pt    point,
    box_  box,
    doc   tsvector,
    span  int4range,
    bits  bit varying(8),
    x     xml,
    pair  golden_pair
);
SELECT realtime.enable('public.golden_other');

-- changes
BEGIN;
INSERT INTO golden_other VALUES (1, '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '(1.5,-2)', '((0,0),(1,1))',
                                 'the quick brown fox', '[1,10)', B'1011', '<a href="x">y</a>',
                                 ROW(1, 'a "b", c')::golden_pair);
INSERT INTO golden_other VALUES (2, '::1', '2001:db8::/32', NULL, '(0,0)', NULL, '', 'empty', B'', NULL, ROW(NULL, NULL)::golden_pair);
COMMIT;
