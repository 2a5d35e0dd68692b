-- Lists active rooms with their member counts, across all nodes.
-- KEYS[1] index of rooms   ARGV[1] room key prefix
-- Returns {room, count, room, count, ...}. Counts come from the room hashes themselves, so they
-- cannot drift from the members; an index entry without members is dropped on the way.
local out = {}
for _, room in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local n = redis.call('HLEN', ARGV[1] .. room)
  if n > 0 then
    out[#out + 1] = room
    out[#out + 1] = n
  else
    redis.call('SREM', KEYS[1], room)
  end
end
return out
