package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Read-only walks over a filter tree, backing {@link Filter}'s default methods. */
final class FilterTrees {
    private FilterTrees() {
    }

    static Set<String> columns(Filter filter) {
        Set<String> out = new LinkedHashSet<>();
        collectColumns(filter, out);
        return Collections.unmodifiableSet(out);
    }

    private static void collectColumns(Filter f, Set<String> out) {
        if (f instanceof Filter.Condition c) {
            out.add(c.column());
        } else if (f instanceof Filter.And and) {
            and.filters().forEach(child -> collectColumns(child, out));
        } else if (f instanceof Filter.Or or) {
            or.filters().forEach(child -> collectColumns(child, out));
        }
    }

    static Map<String, JsonNode> equalities(Filter filter) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        collectEqualities(filter, out);
        return Collections.unmodifiableMap(out);
    }

    private static void collectEqualities(Filter f, Map<String, JsonNode> out) {
        if (f instanceof Filter.Compare c && c.op() == Filter.Op.EQ && Placeholders.claimName(c.value()) == null) {
            out.putIfAbsent(c.column(), c.value());
        } else if (f instanceof Filter.And and) {
            and.filters().forEach(child -> collectEqualities(child, out));
        }
    }

    static Set<String> claims(Filter filter) {
        Set<String> out = new LinkedHashSet<>();
        collectClaims(filter, out);
        return Collections.unmodifiableSet(out);
    }

    private static void collectClaims(Filter f, Set<String> out) {
        if (f instanceof Filter.Compare c) {
            addClaim(c.value(), out);
        } else if (f instanceof Filter.In in) {
            in.values().forEach(v -> addClaim(v, out));
        } else if (f instanceof Filter.Between b) {
            addClaim(b.low(), out);
            addClaim(b.high(), out);
        } else if (f instanceof Filter.Like l) {
            String name = Placeholders.claimName(l.pattern());
            if (name != null) {
                out.add(name);
            }
        } else if (f instanceof Filter.And and) {
            and.filters().forEach(child -> collectClaims(child, out));
        } else if (f instanceof Filter.Or or) {
            or.filters().forEach(child -> collectClaims(child, out));
        }
    }

    private static void addClaim(JsonNode value, Set<String> out) {
        String name = Placeholders.claimName(value);
        if (name != null) {
            out.add(name);
        }
    }
}
