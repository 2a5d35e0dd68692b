-- Drops a reaped node from the registry, unless it came back meanwhile.
-- KEYS[1] registry of nodes   KEYS[2] the node's lease   ARGV[1] node id
-- Returns 1 if forgotten, 0 if its lease exists again.
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 0
end
redis.call('SREM', KEYS[1], ARGV[1])
return 1
