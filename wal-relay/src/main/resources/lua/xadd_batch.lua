-- Append a batch of change entries, each to its own stream, in order.
-- KEYS[i]: the stream of entry i. ARGV[1]: approximate MAXLEN (0: no trimming);
-- ARGV[2i]: entry i's ID (<commit LSN>-<index>); ARGV[2i+1]: its JSON (field "e").
-- An ID not above its stream's top is a replay of an entry already stored: skipped and counted.
-- Returns the number of entries skipped; any other error aborts the batch (entries before it stay).
local maxlen = tonumber(ARGV[1])
local skipped = 0
for i = 1, #KEYS do
  local r
  if maxlen > 0 then
    r = redis.pcall('XADD', KEYS[i], 'MAXLEN', '~', maxlen, ARGV[2 * i], 'e', ARGV[2 * i + 1])
  else
    r = redis.pcall('XADD', KEYS[i], ARGV[2 * i], 'e', ARGV[2 * i + 1])
  end
  if type(r) == 'table' and r.err then
    if string.find(r.err, 'equal or smaller', 1, true) then
      skipped = skipped + 1
    else
      return redis.error_reply(r.err)
    end
  end
end
return skipped
