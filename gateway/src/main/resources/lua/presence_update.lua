-- Replaces the state of an existing member and announces it.
-- KEYS[1] room hash
-- ARGV[1] room   ARGV[2] connection id   ARGV[3] new state JSON   ARGV[4] events channel
-- Member JSON is written by the gateway with "state" as its last member, so the state is the text
-- between the first ',"state":' and the final '}' (a string value cannot contain that sequence
-- unescaped). Editing the text, instead of cjson.decode/encode, keeps numbers exactly as written.
-- Returns the new member JSON, or nil if the connection is not in the room.
local old = redis.call('HGET', KEYS[1], ARGV[2])
if not old then
  return false
end
local i = string.find(old, ',"state":', 1, true)
if not i then
  return redis.error_reply('malformed presence member')
end
local new = string.sub(old, 1, i - 1) .. ',"state":' .. ARGV[3] .. '}'
if new ~= old then
  redis.call('HSET', KEYS[1], ARGV[2], new)
  redis.call('PUBLISH', ARGV[4], '{"type":"update","room":' .. cjson.encode(ARGV[1]) .. ',"member":' .. new .. '}')
end
return new
