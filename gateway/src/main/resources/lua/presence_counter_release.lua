-- Stops counting a connection. Idempotent.
-- KEYS[1] the user's connections   KEYS[2] the node's users
-- ARGV[1] connection id   ARGV[2] node id   ARGV[3] user id
-- Returns 1 if it was counted, else 0.
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then
  return 0
end
for _, node in ipairs(redis.call('HVALS', KEYS[1])) do
  if node == ARGV[2] then
    return 1
  end
end
redis.call('SREM', KEYS[2], ARGV[3])
return 1
