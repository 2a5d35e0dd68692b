package io.pgrealtime.gateway.presence;

/** The connection counter contract in one JVM: nodes of a test share one store. */
class MemoryConnectionCounterTest extends ConnectionCounterContract {
    private final MemoryConnectionCounter.Store store = new MemoryConnectionCounter.Store();

    @Override
    protected ConnectionCounter newNode(String nodeId) {
        return closeLater(new MemoryConnectionCounter(store, nodeId));
    }
}
