package io.pgrealtime.protocol.filter;

import io.pgrealtime.protocol.Json;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.pgrealtime.protocol.filter.Fixtures.json;
import static io.pgrealtime.protocol.filter.Fixtures.parse;
import static io.pgrealtime.protocol.filter.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

class FilterBindTest {
    private static final TableSchema SCHEMA = Fixtures.schema();

    @Test
    void presentClaimsReplacePlaceholders() {
        Filter f = parse("{'owner_id':'{{claims.sub}}','tenant_id':{'gte':'{{claims.tenant}}'},"
                + "'active':'{{claims.flag}}'}");
        Filter bound = f.bind(Map.of("sub", "u1", "tenant", 7, "flag", true));

        assertThat(bound).isEqualTo(new Filter.And(List.of(
                new Filter.Compare("owner_id", Filter.Op.EQ, json("'u1'")),
                new Filter.Compare("tenant_id", Filter.Op.GTE, Json.nodes().numberNode(7L)),
                new Filter.Compare("active", Filter.Op.EQ, json("true")))));
        assertThat(bound.claims()).isEmpty();
        CompiledFilter c = bound.compile(SCHEMA);
        assertThat(c.matches(row("{'owner_id':'u1','tenant_id':9,'active':true}"))).isTrue();
        assertThat(c.matches(row("{'owner_id':'u2','tenant_id':9,'active':true}"))).isFalse();
    }

    @Test
    void claimsListsTheReferencedNames() {
        assertThat(parse("{'a':'{{claims.x}}','$or':[{'b':{'in':['{{claims.y}}',1]}},{'c':{'like':'{{claims.z}}'}},"
                + "{'d':{'between':['{{claims.lo}}','{{claims.hi}}']}}]}").claims())
                .containsExactly("x", "y", "z", "lo", "hi");
    }

    @Test
    void onlyAnExactPlaceholderIsOne() {
        assertThat(parse("{'a':'x{{claims.sub}}'}").claims()).isEmpty();
        assertThat(parse("{'a':'{{claims.sub}} '}").claims()).isEmpty();
        assertThat(parse("{'a':'{{claims.}}'}").claims()).isEmpty();
        assertThat(parse("{'a':'{{claim.sub}}'}").claims()).isEmpty();
        assertThat(parse("{'a':'{{ claims.sub }}'}").claims()).isEmpty();
    }

    @Test
    void nestedClaimsAreReachedByDottedNames() {
        Filter f = parse("{'tenant_id':'{{claims.org.tenant.id}}'}");
        Filter bound = f.bind(Map.of("org", Map.of("tenant", Map.of("id", 42))));
        assertThat(bound.compile(SCHEMA).matches(row("{'tenant_id':42}"))).isTrue();

        Filter fromJson = f.bind(Map.of("org", json("{'tenant':{'id':42}}")));
        assertThat(fromJson.compile(SCHEMA).matches(row("{'tenant_id':42}"))).isTrue();
    }

    @Test
    void aLiteralKeyWithDotsWinsOverNesting() {
        Filter f = parse("{'owner_id':'{{claims.https://example.com/tenant}}'}");
        Filter bound = f.bind(Map.of("https://example.com/tenant", "t1"));
        assertThat(bound).isEqualTo(new Filter.Compare("owner_id", Filter.Op.EQ, json("'t1'")));
    }

    @Test
    void listClaimsFillInLists() {
        Filter whole = parse("{'owner_id':{'in':'{{claims.groups}}'}}").bind(Map.of("groups", List.of("a", "b")));
        assertThat(whole).isEqualTo(new Filter.In("owner_id", List.of(json("'a'"), json("'b'"))));

        Filter mixed = parse("{'qty':{'in':[0,'{{claims.ids}}','{{claims.one}}']}}")
                .bind(Map.of("ids", List.of(1, 2), "one", 3));
        assertThat(mixed.compile(SCHEMA).matches(row("{'qty':2}"))).isTrue();
        assertThat(mixed.compile(SCHEMA).matches(row("{'qty':3}"))).isTrue();
        assertThat(mixed.compile(SCHEMA).matches(row("{'qty':4}"))).isFalse();

        Filter array = parse("{'qty':{'in':'{{claims.ids}}'}}").bind(Map.of("ids", new Object[]{5, 6L}));
        assertThat(array.compile(SCHEMA).matches(row("{'qty':6}"))).isTrue();

        Filter jsonArray = parse("{'qty':{'in':'{{claims.ids}}'}}").bind(Map.of("ids", json("[7,8]")));
        assertThat(jsonArray.compile(SCHEMA).matches(row("{'qty':8}"))).isTrue();
    }

    @Test
    void anEmptyListClaimMakesOnlyItsConditionMatchNothing() {
        Filter f = parse("{'$or':[{'owner_id':{'in':'{{claims.groups}}'}},{'active':true}]}")
                .bind(Map.of("groups", List.of()));
        CompiledFilter c = f.compile(SCHEMA);
        assertThat(c.matches(row("{'owner_id':'a','active':false}"))).isFalse();
        assertThat(c.matches(row("{'owner_id':'a','active':true}"))).isTrue();
    }

    @Test
    void aMissingClaimDeniesEverything() {
        // A row filter restricts what the caller may see; without the claim it must not widen to all rows.
        Filter f = parse("{'$or':[{'tenant_id':'{{claims.tenant}}'},{'active':true}]}");
        assertThat(f.bind(Map.of("sub", "u1"))).isEqualTo(Filter.FALSE);
        assertThat(f.bind(Map.of())).isEqualTo(Filter.FALSE);
        assertThat(f.bind(null)).isEqualTo(Filter.FALSE);
        assertThat(parse("{'owner_id':'{{claims.org.id}}'}").bind(Map.of("org", "flat"))).isEqualTo(Filter.FALSE);
    }

    @Test
    void aNullOrUnusableClaimDeniesEverything() {
        Map<String, Object> claims = new HashMap<>();
        claims.put("nothing", null);
        claims.put("list", List.of("a"));
        claims.put("object", Map.of("a", 1));
        claims.put("nan", Double.NaN);
        claims.put("mixed", Arrays.asList("a", Map.of()));
        claims.put("number", 5);

        assertThat(parse("{'owner_id':'{{claims.nothing}}'}").bind(claims)).isEqualTo(Filter.FALSE);
        assertThat(parse("{'owner_id':'{{claims.list}}'}").bind(claims)).isEqualTo(Filter.FALSE);
        assertThat(parse("{'owner_id':'{{claims.object}}'}").bind(claims)).isEqualTo(Filter.FALSE);
        assertThat(parse("{'score':'{{claims.nan}}'}").bind(claims)).isEqualTo(Filter.FALSE);
        assertThat(parse("{'owner_id':{'in':'{{claims.mixed}}'}}").bind(claims)).isEqualTo(Filter.FALSE);
        assertThat(parse("{'owner_id':{'in':'{{claims.object}}'}}").bind(claims)).isEqualTo(Filter.FALSE);
        assertThat(parse("{'title':{'like':'{{claims.number}}'}}").bind(claims)).isEqualTo(Filter.FALSE);
        assertThat(parse("{'qty':{'between':[1,'{{claims.list}}']}}").bind(claims)).isEqualTo(Filter.FALSE);
    }

    @Test
    void likeAndBetweenBind() {
        Filter like = parse("{'title':{'like':'{{claims.prefix}}'}}").bind(Map.of("prefix", "ab%"));
        assertThat(like).isEqualTo(new Filter.Like("title", "ab%", false));

        Filter between = parse("{'qty':{'between':['{{claims.lo}}','{{claims.hi}}']}}")
                .bind(Map.of("lo", 1, "hi", new BigDecimal("2.5")));
        assertThat(between.compile(SCHEMA).matches(row("{'qty':2}"))).isTrue();
        assertThat(between.compile(SCHEMA).matches(row("{'qty':3}"))).isFalse();
    }

    @Test
    void claimValueTypesConvert() {
        UUID id = UUID.fromString("0e37df36-f698-11e6-8dd4-cb9ced3df976");
        assertThat(parse("{'uid':'{{claims.id}}'}").bind(Map.of("id", id)).compile(SCHEMA)
                .matches(row("{'uid':'0e37df36-f698-11e6-8dd4-cb9ced3df976'}"))).isTrue();
        assertThat(parse("{'score':'{{claims.s}}'}").bind(Map.of("s", 0.5d)).compile(SCHEMA)
                .matches(row("{'score':0.5}"))).isTrue();
        assertThat(parse("{'id':'{{claims.n}}'}").bind(Map.of("n", new BigInteger("12345678901234567890")))
                .compile(SCHEMA).matches(row("{'id':12345678901234567890}"))).isTrue();
        assertThat(parse("{'active':'{{claims.b}}'}").bind(Map.of("b", json("false"))).compile(SCHEMA)
                .matches(row("{'active':false}"))).isTrue();
    }

    @Test
    void withoutPlaceholdersBindReturnsTheSameFilter() {
        Filter f = parse("{'qty':1}");
        assertThat(f.bind(Map.of())).isSameAs(f);
    }

    @Test
    void unboundPlaceholdersMatchNothing() {
        CompiledFilter c = parse("{'owner_id':'{{claims.sub}}'}").compile(SCHEMA);
        assertThat(c.matches(row("{'owner_id':'{{claims.sub}}'}"))).isFalse();
        assertThat(parse("{'title':{'like':'{{claims.p}}'}}").compile().matches(row("{'title':'{{claims.p}}'}"))).isFalse();
        assertThat(parse("{'qty':{'between':[1,'{{claims.hi}}']}}").compile(SCHEMA).matches(row("{'qty':1}"))).isFalse();
        CompiledFilter in = parse("{'qty':{'in':[1,'{{claims.ids}}']}}").compile(SCHEMA);
        assertThat(in.matches(row("{'qty':1}"))).isTrue();
        assertThat(parse("{'qty':{'in':'{{claims.ids}}'}}").compile(SCHEMA).matches(row("{'qty':1}"))).isFalse();
    }

    @Test
    void rowFilterAndClientFilterCombine() {
        Filter rowFilter = parse("{'tenant_id':'{{claims.tenant}}'}").bind(Map.of("tenant", 7));
        Filter client = parse("{'status':'open'}");
        CompiledFilter c = Filter.and(rowFilter, client).compile(SCHEMA);

        assertThat(c.matches(row("{'tenant_id':7,'status':'open'}"))).isTrue();
        assertThat(c.matches(row("{'tenant_id':8,'status':'open'}"))).isFalse();
        assertThat(Filter.and(parse("{'a':'{{claims.x}}'}").bind(Map.of()), client)).isEqualTo(Filter.FALSE);
    }
}
