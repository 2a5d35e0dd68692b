-- A table outside public with names that need quoting: the stream key, schema, table and column
-- names are the names as created (case, spaces, reserved words), never folded or quoted.
CREATE SCHEMA "Golden App";
CREATE TABLE "Golden App"."Order Items" ("ID" int PRIMARY KEY, "Unit Price" numeric, "user" text, "ñame" text);
SELECT realtime.enable('"Golden App"."Order Items"');

-- changes
BEGIN;
INSERT INTO "Golden App"."Order Items" VALUES (1, 9.99, 'ann', 'Ñ');
UPDATE "Golden App"."Order Items" SET "Unit Price" = 10.00 WHERE "ID" = 1;
DELETE FROM "Golden App"."Order Items" WHERE "ID" = 1;
COMMIT;
