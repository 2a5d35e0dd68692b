-- Removes connections from every room they are in, announcing each leave: a connection's
-- disconnect (one id), a graceful node shutdown, or the reaping of a crashed node (batches).
-- KEYS[1] the node's connections (set)   KEYS[2] index of rooms   KEYS[3] the node's lease
-- ARGV[1] room key prefix   ARGV[2] connection-rooms key prefix   ARGV[3] events channel
-- ARGV[4] '1' to act only while the node's lease is absent (reaping), '0' otherwise
-- ARGV[5..] connection ids
-- Returns {1, room, member JSON, room, member JSON, ...}, or {0} if the lease exists (the node is
-- alive again: it restores its own members, and reaping it now would remove them).
-- Room and connection keys are derived from the prefixes here, so in a Redis Cluster every
-- presence key must hash to one slot (a hash tag in the key prefix, e.g. "{rt}:").
if ARGV[4] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then
  return {0}
end
local out = {1}
for i = 5, #ARGV do
  local conn = ARGV[i]
  local connKey = ARGV[2] .. conn
  local rooms = redis.call('SMEMBERS', connKey)
  for _, room in ipairs(rooms) do
    local roomKey = ARGV[1] .. room
    local old = redis.call('HGET', roomKey, conn)
    if old then
      redis.call('HDEL', roomKey, conn)
      if redis.call('HLEN', roomKey) == 0 then
        redis.call('SREM', KEYS[2], room)
      end
      redis.call('PUBLISH', ARGV[3], '{"type":"leave","room":' .. cjson.encode(room) .. ',"member":' .. old .. '}')
      out[#out + 1] = room
      out[#out + 1] = old
    end
  end
  redis.call('DEL', connKey)
  redis.call('SREM', KEYS[1], conn)
end
return out
