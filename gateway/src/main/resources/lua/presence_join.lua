-- Adds (or replaces) a member of a room and announces it, atomically, so that every node sees
-- events in the same order as the state changes they describe.
-- KEYS[1] room hash (connection id -> member JSON)   KEYS[2] index of rooms (set)
-- KEYS[3] the connection's rooms (set)                KEYS[4] the node's connections (set)
-- KEYS[5] registry of nodes (set)
-- ARGV[1] room   ARGV[2] connection id   ARGV[3] member JSON   ARGV[4] events channel   ARGV[5] node id
-- Returns 1 if the member joined, 2 if it replaced a different entry (an update), 0 if the same
-- entry was already there (nothing published: restoring members after a lost lease is idempotent).
local old = redis.call('HGET', KEYS[1], ARGV[2])
if old == ARGV[3] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[2])
-- A node that writes members is a node the reapers must watch, even if its lease lapsed meanwhile.
redis.call('SADD', KEYS[5], ARGV[5])
local kind = 'join'
if old then
  kind = 'update'
end
redis.call('PUBLISH', ARGV[4], '{"type":"' .. kind .. '","room":' .. cjson.encode(ARGV[1]) .. ',"member":' .. ARGV[3] .. '}')
if old then
  return 2
end
return 1
