-- Stops counting every connection a node held for some users: reaping a crashed node (batches of
-- users) or a graceful shutdown.
-- KEYS[1] the node's users (set)   KEYS[2] the node's lease
-- ARGV[1] user key prefix   ARGV[2] node id   ARGV[3] '1' to act only while the lease is absent
-- ARGV[4..] user ids
-- Returns the number of connections released, or -1 if the lease exists (the node is alive).
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then
  return -1
end
local released = 0
for i = 4, #ARGV do
  local key = ARGV[1] .. ARGV[i]
  local all = redis.call('HGETALL', key)
  for j = 1, #all, 2 do
    if all[j + 1] == ARGV[2] then
      redis.call('HDEL', key, all[j])
      released = released + 1
    end
  end
  redis.call('SREM', KEYS[1], ARGV[i])
end
return released
