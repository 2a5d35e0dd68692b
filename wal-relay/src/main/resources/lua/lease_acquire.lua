-- Acquire or re-acquire the relay leader lease.
-- KEYS[1] lease key; ARGV[1] candidate id; ARGV[2] TTL in milliseconds.
-- Returns 1 when the caller holds the lease afterwards, 0 when another candidate does.
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
elseif holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
