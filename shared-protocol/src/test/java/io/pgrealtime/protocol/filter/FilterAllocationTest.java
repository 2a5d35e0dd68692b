package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static io.pgrealtime.protocol.filter.Fixtures.parse;
import static io.pgrealtime.protocol.filter.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The hot path contract: evaluating a compiled filter allocates nothing for the common types. */
class FilterAllocationTest {

    @Test
    void evaluationDoesNotAllocate() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);

        CompiledFilter filter = parse("{'status':'open','qty':{'gte':3,'lt':1000},'price':{'lte':99.95},"
                + "'uid':{'in':['0e37df36-f698-11e6-8dd4-cb9ced3df976','00000000-0000-0000-0000-000000000001']},"
                + "'created_at':{'between':['2024-01-01','2024-12-31T23:59:59+02:00']},'title':{'ilike':'%phone%'},"
                + "'active':{'is':true},'tags':{'is':null},"
                + "'$or':[{'owner_id':'u1'},{'day':{'gt':'2024-01-01'}},{'at_time':{'lt':'12:00'}}]}")
                .compile(Fixtures.schema());
        ObjectNode match = row("{'status':'open','qty':7,'price':12.50,'uid':'0e37df36-f698-11e6-8dd4-cb9ced3df976',"
                + "'created_at':'2024-06-01T10:00:00.123456Z','title':'Smart PHONE 15','active':true,"
                + "'owner_id':'u2','day':'2024-03-01','at_time':'13:00:00'}");
        ObjectNode miss = row("{'status':'open','qty':7,'price':12.50,'uid':'0e37df36-f698-11e6-8dd4-cb9ced3df976',"
                + "'created_at':'2024-06-01T10:00:00Z','title':'tablet','active':true}");

        long thread = Thread.currentThread().getId();
        boolean sink = false;
        for (int i = 0; i < 20_000; i++) {
            sink ^= filter.matches(match) ^ filter.matches(miss);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++) {
            sink ^= filter.matches(match) ^ filter.matches(miss);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(filter.matches(match)).isTrue();
        assertThat(filter.matches(miss)).isFalse();
        assertThat(sink).isFalse();
        // 200,000 evaluations; anything per-row would be megabytes.
        assertThat(allocated).isLessThan(64 * 1024);
    }
}
