-- Store the configuration snapshot only if it is newer than the stored one.
-- KEYS[1] config hash; ARGV[1] LSN (decimal, unsigned 64-bit, zero-padded to 20 digits); ARGV[2] tables JSON.
local current = redis.call('HGET', KEYS[1], 'lsn')
if current == false or current < ARGV[1] then
  redis.call('HSET', KEYS[1], 'lsn', ARGV[1], 'tables', ARGV[2])
  return 1
end
return 0
