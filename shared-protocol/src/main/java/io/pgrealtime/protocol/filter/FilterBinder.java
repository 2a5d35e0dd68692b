package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pgrealtime.protocol.Json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Replaces claim placeholders by claim values; see {@link Filter#bind(Map)} for the contract. */
final class FilterBinder {
    private final Map<String, ?> claims;
    private boolean denied;

    private FilterBinder(Map<String, ?> claims) {
        this.claims = claims;
    }

    static Filter bind(Filter filter, Map<String, ?> claims) {
        if (filter.claims().isEmpty()) {
            return filter;
        }
        FilterBinder binder = new FilterBinder(claims);
        Filter bound = binder.visit(filter);
        return binder.denied ? Filter.FALSE : bound;
    }

    private Filter visit(Filter f) {
        if (f instanceof Filter.And and) {
            return new Filter.And(visitAll(and.filters()));
        }
        if (f instanceof Filter.Or or) {
            return new Filter.Or(visitAll(or.filters()));
        }
        if (f instanceof Filter.Compare c) {
            return new Filter.Compare(c.column(), c.op(), scalar(c.value()), c.path());
        }
        if (f instanceof Filter.Between b) {
            return new Filter.Between(b.column(), scalar(b.low()), scalar(b.high()), b.path());
        }
        if (f instanceof Filter.In in) {
            List<JsonNode> values = new ArrayList<>();
            for (JsonNode v : in.values()) {
                expand(v, values);
            }
            return values.isEmpty() ? Filter.FALSE : new Filter.In(in.column(), values, in.path());
        }
        if (f instanceof Filter.Like l) {
            String name = Placeholders.claimName(l.pattern());
            if (name == null) {
                return l;
            }
            JsonNode value = toScalar(Placeholders.lookup(claims, name));
            if (value == null || !value.isTextual()) {
                return deny(l);
            }
            return new Filter.Like(l.column(), value.textValue(), l.caseInsensitive(), l.path());
        }
        return f;
    }

    private List<Filter> visitAll(List<Filter> filters) {
        List<Filter> out = new ArrayList<>(filters.size());
        for (Filter child : filters) {
            out.add(visit(child));
        }
        return out;
    }

    /** The value, or the claim it names; on a missing or unusable claim marks the filter denied. */
    private JsonNode scalar(JsonNode value) {
        String name = Placeholders.claimName(value);
        if (name == null) {
            return value;
        }
        JsonNode bound = toScalar(Placeholders.lookup(claims, name));
        if (bound == null) {
            denied = true;
            return value;
        }
        return bound;
    }

    private void expand(JsonNode value, List<JsonNode> out) {
        String name = Placeholders.claimName(value);
        if (name == null) {
            out.add(value);
            return;
        }
        Object claim = Placeholders.lookup(claims, name);
        List<JsonNode> list = toScalarList(claim);
        if (list == null) {
            denied = true;
            out.add(value);
            return;
        }
        out.addAll(list);
    }

    private Filter deny(Filter f) {
        denied = true;
        return f;
    }

    /** The claim as a list of scalars (a scalar as a one-element list), or null if unusable. */
    private static List<JsonNode> toScalarList(Object claim) {
        Iterable<?> items;
        if (claim instanceof Collection<?> c) {
            items = c;
        } else if (claim instanceof Object[] array) {
            items = List.of(array);
        } else if (claim instanceof JsonNode node && node.isArray()) {
            items = node;
        } else {
            JsonNode single = toScalar(claim);
            return single == null ? null : List.of(single);
        }
        List<JsonNode> out = new ArrayList<>();
        for (Object item : items) {
            JsonNode v = toScalar(item);
            if (v == null) {
                return null;
            }
            out.add(v);
        }
        return out;
    }

    /** The claim as a JSON string, number or boolean, or null if missing or of another shape. */
    private static JsonNode toScalar(Object claim) {
        JsonNodeFactory nodes = Json.nodes();
        if (claim instanceof JsonNode node) {
            return node.isTextual() || node.isNumber() || node.isBoolean() ? node : null;
        }
        if (claim instanceof CharSequence || claim instanceof java.util.UUID) {
            return nodes.textNode(claim.toString());
        }
        if (claim instanceof Boolean b) {
            return nodes.booleanNode(b);
        }
        if (claim instanceof Integer || claim instanceof Long || claim instanceof Short || claim instanceof Byte) {
            return nodes.numberNode(((Number) claim).longValue());
        }
        if (claim instanceof BigInteger i) {
            return nodes.numberNode(i);
        }
        if (claim instanceof BigDecimal d) {
            return nodes.numberNode(d);
        }
        if (claim instanceof Double || claim instanceof Float) {
            double d = ((Number) claim).doubleValue();
            return Double.isFinite(d) ? nodes.numberNode(BigDecimal.valueOf(d)) : null;
        }
        return null;
    }
}
