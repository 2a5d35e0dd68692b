-- Counts a connection against its user's limit, across all nodes.
-- KEYS[1] the user's connections (hash: connection id -> node id)   KEYS[2] the node's users (set)
-- KEYS[3] registry of nodes
-- ARGV[1] connection id   ARGV[2] node id   ARGV[3] user id   ARGV[4] limit (negative: none)
-- Returns 1 if counted (or already counted), 0 if the user already has `limit` connections.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  return 1
end
local limit = tonumber(ARGV[4])
if limit >= 0 and redis.call('HLEN', KEYS[1]) >= limit then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[2])
return 1
