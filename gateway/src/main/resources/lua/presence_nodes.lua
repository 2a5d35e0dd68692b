-- Lists registered nodes and whether each holds its lease.
-- KEYS[1] registry of nodes   ARGV[1] lease key prefix
-- Returns {node, 1|0, node, 1|0, ...}.
local out = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  out[#out + 1] = node
  out[#out + 1] = redis.call('EXISTS', ARGV[1] .. node)
end
return out
