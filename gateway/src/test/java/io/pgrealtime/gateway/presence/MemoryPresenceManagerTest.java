package io.pgrealtime.gateway.presence;

/** The presence contract in one JVM: nodes of a test share one store. */
class MemoryPresenceManagerTest extends PresenceContract {
    private final MemoryPresenceManager.Store store = new MemoryPresenceManager.Store();

    @Override
    protected PresenceManager newNode(String nodeId, PresenceEventHandler handler) {
        return closeLater(new MemoryPresenceManager(store, nodeId, handler));
    }
}
