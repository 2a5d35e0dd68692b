-- Extends this node's liveness lease, or takes it again if it lapsed.
-- KEYS[1] the node's lease   KEYS[2] registry of nodes
-- ARGV[1] TTL in milliseconds   ARGV[2] node id   ARGV[3] lease value (informational)
-- Returns 1 if the lease was still held, 0 if it had expired or vanished (other nodes may have
-- reaped this node's members: the caller restores them, after this script has set the lease, so
-- that no reaper can remove them again).
redis.call('SADD', KEYS[2], ARGV[2])
if redis.call('PEXPIRE', KEYS[1], ARGV[1]) == 1 then
  return 1
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[1])
return 0
