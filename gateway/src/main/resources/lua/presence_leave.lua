-- Removes a member from a room and announces it.
-- KEYS[1] room hash   KEYS[2] index of rooms   KEYS[3] the connection's rooms
-- ARGV[1] room   ARGV[2] connection id   ARGV[3] events channel   ARGV[4] key prefix of node connection sets
-- Returns the removed member JSON, or nil if the connection was not in the room.
local old = redis.call('HGET', KEYS[1], ARGV[2])
if not old then
  return false
end
redis.call('HDEL', KEYS[1], ARGV[2])
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[2], ARGV[1])
end
redis.call('SREM', KEYS[3], ARGV[1])
if redis.call('SCARD', KEYS[3]) == 0 then
  -- The connection is in no room any more: forget it in its node's set, or that set would grow
  -- with every connection the node ever had. The node id is read from the text rather than with
  -- cjson.decode, which gives up on deeply nested state: ',"nodeId":"' cannot occur inside a JSON
  -- string (its quote would be escaped), and node ids contain no quote or backslash.
  local i = string.find(old, ',"nodeId":"', 1, true)
  if i then
    local from = i + 11
    local to = string.find(old, '"', from, true)
    redis.call('SREM', ARGV[4] .. string.sub(old, from, to - 1), ARGV[2])
  end
end
redis.call('PUBLISH', ARGV[3], '{"type":"leave","room":' .. cjson.encode(ARGV[1]) .. ',"member":' .. old .. '}')
return old
