package io.pgrealtime.relay.pgoutput;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Objects;

/**
 * One row as JSON, with the columns whose value the server did not send.
 *
 * @param row            column name to converted value, in the relation's column order; a column
 *                       in {@code unchangedToast} is absent unless it could be filled from the old row
 * @param unchangedToast names of the columns that came as unchanged TOAST ({@code 'u'}), in column
 *                       order; empty when none
 */
public record DecodedRow(ObjectNode row, List<String> unchangedToast) {
    public DecodedRow {
        Objects.requireNonNull(row, "row");
        unchangedToast = List.copyOf(unchangedToast);
    }
}
