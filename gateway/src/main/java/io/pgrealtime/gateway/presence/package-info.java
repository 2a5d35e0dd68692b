/**
 * Presence and per-user connection counts across gateway nodes.
 *
 * <p>{@link io.pgrealtime.gateway.presence.PresenceManager} keeps who is in which room and
 * announces joins, updates and leaves to a {@link io.pgrealtime.gateway.presence.PresenceEventHandler}
 * on every node; {@link io.pgrealtime.gateway.presence.ConnectionCounter} enforces the per-user
 * connection limit. Each has a memory and a Redis implementation side by side, passing the same
 * contract tests. The Redis ones share a {@link io.pgrealtime.gateway.presence.RedisNodeRegistry}:
 * node leases and a reaper that removes a dead node's members and counts within
 * {@link io.pgrealtime.gateway.presence.NodeLeaseSettings#reapBound()}. Atomic steps are Lua
 * scripts in {@code /lua/presence_*.lua}.
 *
 * <p>Wiring on one node, closing in reverse order:
 * <pre>{@code
 * RedisNodeRegistry registry = new RedisNodeRegistry(client, keys, nodeId, NodeLeaseSettings.defaults());
 * RedisPresenceManager presence = new RedisPresenceManager(client, keys, registry, handler);
 * RedisConnectionCounter counter = new RedisConnectionCounter(client, keys, registry);
 * ...
 * presence.close(); counter.close(); registry.close();
 * }</pre>
 */
package io.pgrealtime.gateway.presence;
