/**
 * Messages between gateway nodes: a {@link io.pgrealtime.gateway.broker.Broker} publishes opaque
 * payloads on named channels (and to single nodes) and delivers them inward through a
 * {@link io.pgrealtime.gateway.broker.BrokerEventHandler}. Two implementations side by side:
 * {@link io.pgrealtime.gateway.broker.MemoryBroker} (one JVM) and
 * {@link io.pgrealtime.gateway.broker.RedisBroker} (Redis Pub/Sub, at-most-once). Both pass the
 * same contract tests ({@code BrokerContract}).
 */
package io.pgrealtime.gateway.broker;
