package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One compiled node of a filter. Implementations are immutable and must not allocate per row. */
@FunctionalInterface
interface RowPredicate {
    RowPredicate ALWAYS = row -> true;
    RowPredicate NEVER = row -> false;

    boolean test(ObjectNode row);
}
