package io.pgrealtime.relay.replication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.relay.capture.RowConverter;
import io.pgrealtime.relay.pgoutput.PgOutputMessage.Relation;
import io.pgrealtime.relay.pgoutput.PgValueConverter;
import io.pgrealtime.relay.pgoutput.TupleData;
import io.pgrealtime.relay.pgoutput.TypeResolver;

import java.util.List;

/** {@link RowConverter} over the pgoutput value converter, resolving run-time types from the catalog. */
final class JsonRowConverter implements RowConverter {
    private final PgValueConverter converter;

    JsonRowConverter(TypeResolver catalog) {
        this.converter = new PgValueConverter(TypeResolver.builtins().orElse(catalog));
    }

    @Override
    public ObjectNode row(Relation relation, TupleData tuple, List<String> unchanged) {
        ObjectNode row = PgValueConverter.NODES.objectNode();
        List<Relation.Column> columns = relation.columns();
        int n = Math.min(columns.size(), tuple.size());
        for (int i = 0; i < n; i++) {
            Relation.Column col = columns.get(i);
            if (tuple.isUnchangedToast(i)) {
                unchanged.add(col.name());
            } else if (tuple.isNull(i)) {
                row.putNull(col.name());
            } else {
                row.set(col.name(), converter.convert(col.typeOid(), tuple.text(i)));
            }
        }
        return row;
    }
}
