package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.Json;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static io.pgrealtime.protocol.filter.Fixtures.json;
import static io.pgrealtime.protocol.filter.Fixtures.parse;
import static io.pgrealtime.protocol.filter.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** columns(), equalities(), equality keys and the and/or factories. */
class FilterTreesTest {
    private static final TableSchema SCHEMA = Fixtures.schema();

    @Test
    void columnsListsEveryNamedColumnOnceInOrder() {
        assertThat(parse("{'b':1,'a':{'gt':1,'lt':3},'$or':[{'c':1},{'$and':[{'d':{'is':null}},{'b':2}]}]}").columns())
                .containsExactly("b", "a", "c", "d");
        assertThat(Filter.TRUE.columns()).isEmpty();
    }

    @Test
    void columnsDecideWhetherAKeyOnlyDeleteCanBeEvaluated() {
        assertThat(SCHEMA.isKeyOnly(parse("{'id':{'in':[1,2]}}").columns())).isTrue();
        assertThat(SCHEMA.isKeyOnly(parse("{'id':1,'status':'open'}").columns())).isFalse();
    }

    @Test
    void equalitiesAreTheTopLevelAndedEqs() {
        Map<String, JsonNode> eq = parse("{'status':'open','qty':{'eq':3},'price':{'gt':1},"
                + "'$and':[{'owner_id':'u1'},{'$and':[{'mood':'ok'}]}],'$or':[{'title':'x'},{'title':'y'}],"
                + "'uid':{'neq':'x'},'tenant_id':'{{claims.t}}'}").equalities();
        assertThat(eq).containsExactly(
                Map.entry("status", json("'open'")),
                Map.entry("qty", json("3")),
                Map.entry("owner_id", json("'u1'")),
                Map.entry("mood", json("'ok'")));
    }

    @Test
    void equalitiesOfALoneConditionOrAnOr() {
        assertThat(parse("{'status':'open'}").equalities()).containsExactly(Map.entry("status", json("'open'")));
        assertThat(parse("{'$or':[{'a':1},{'b':2}]}").equalities()).isEmpty();
        assertThat(parse("{'a':{'in':[1]}}").equalities()).isEmpty();
        assertThat(parse("{'a':1,'b':{'eq':1,'gt':0}}").equalities()).containsOnlyKeys("a", "b");
    }

    @Test
    void firstEqualityOfAColumnWins() {
        assertThat(parse("{'$and':[{'a':1},{'a':2}]}").equalities()).containsExactly(Map.entry("a", json("1")));
    }

    @Test
    void equalityKeysAreTypedSoRowKeysMeetThem() {
        CompiledFilter c = parse("{'qty':'100','price':1.50,'uid':'0E37DF36-F698-11E6-8DD4-CB9CED3DF976',"
                + "'created_at':'2024-01-01T02:00:00+02:00','active':'true','status':'open','day':'2024-01-01'}")
                .compile(SCHEMA);
        Map<String, Object> keys = c.equalityKeys();
        ObjectNode matching = row("{'qty':100,'price':1.5000,'uid':'0e37df36-f698-11e6-8dd4-cb9ced3df976',"
                + "'created_at':'2024-01-01T00:00:00Z','active':true,'status':'open','day':'2024-01-01'}");

        assertThat(keys).hasSize(7);
        keys.forEach((column, key) -> assertThat(c.equalityKey(column, matching.get(column))).as(column).isEqualTo(key));
        assertThat(c.matches(matching)).isTrue();
        assertThat(c.equalityKey("qty", json("101"))).isNotEqualTo(keys.get("qty"));
        assertThat(c.equalityKey("qty", null)).isNull();
        assertThat(c.equalityKey("qty", json("null"))).isNull();
    }

    @Test
    void equalityKeysAgreeWithComparisonForNumbers() {
        assertThat(ColumnType.DECIMAL.equalityKey(json("1.500"))).isEqualTo(ColumnType.DECIMAL.equalityKey(json("1.5")));
        assertThat(ColumnType.DECIMAL.equalityKey(json("0.00"))).isEqualTo(ColumnType.DECIMAL.equalityKey(json("0")));
        assertThat(ColumnType.INTEGER.equalityKey(json("100"))).isEqualTo(new BigDecimal("1E+2"));
        assertThat(ColumnType.FLOAT.equalityKey(json("'NaN'"))).isEqualTo(ColumnType.FLOAT.equalityKey(json("'nan'")));
        assertThat(ColumnType.FLOAT.equalityKey(json("'NaN'"))).isNotEqualTo("NaN");
        assertThat(ColumnType.TEXT.equalityKey(json("'NaN'"))).isEqualTo("NaN");
        assertThat(ColumnType.ARRAY.equalityKey(json("[1]"))).isNull();
        assertThat(ColumnType.INTEGER.equalityKey(json("'x'"))).isNull();
        assertThat(ColumnType.OTHER.equalityKey(json("2.0"))).isEqualTo(ColumnType.OTHER.equalityKey(json("2")));
        assertThat(ColumnType.OTHER.equalityKey(json("{'a':1}"))).isNull();
        assertThat(ColumnType.BOOLEAN.equalityKey(json("true"))).isEqualTo(true);
    }

    @Test
    void equalityKeysWithoutASchemaUseJsonKind() {
        CompiledFilter c = parse("{'n':1.0,'s':'x'}").compile();
        assertThat(c.equalityKeys().get("n")).isEqualTo(c.equalityKey("n", json("1")));
        assertThat(c.equalityKeys().get("s")).isEqualTo(c.equalityKey("s", json("'x'")));
        assertThat(c.equalityKey("n", json("'1'"))).isNotEqualTo(c.equalityKeys().get("n"));
    }

    @Test
    void andOrFactoriesSimplify() {
        Filter a = parse("{'a':1}");
        Filter b = parse("{'b':1}");
        assertThat(Filter.and()).isEqualTo(Filter.TRUE);
        assertThat(Filter.and(Filter.TRUE, a)).isSameAs(a);
        assertThat(Filter.and(a, Filter.FALSE, b)).isEqualTo(Filter.FALSE);
        assertThat(Filter.and(a, b)).isEqualTo(new Filter.And(List.of(a, b)));
        assertThat(Filter.and(List.of(a, b))).isEqualTo(new Filter.And(List.of(a, b)));
        assertThat(Filter.or()).isEqualTo(Filter.FALSE);
        assertThat(Filter.or(Filter.FALSE, a)).isSameAs(a);
        assertThat(Filter.or(a, Filter.TRUE)).isEqualTo(Filter.TRUE);
        assertThat(Filter.or(List.of(a, b))).isEqualTo(new Filter.Or(List.of(a, b)));
    }

    @Test
    void recordsRejectMalformedConditions() {
        assertThatThrownBy(() -> new Filter.Compare("a", Filter.Op.EQ, json("null"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Filter.Compare("a", Filter.Op.EQ, json("[1]"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Filter.In("a", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Filter.And(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Filter.Or(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Filter.Between("a", json("1"), null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultPathsFollowTheWireSyntax() {
        assertThat(new Filter.Compare("a", Filter.Op.EQ, json("1")).path()).isEqualTo("a");
        assertThat(new Filter.Compare("a", Filter.Op.GTE, json("1")).path()).isEqualTo("a.gte");
        assertThat(new Filter.In("a", List.of(json("1"))).path()).isEqualTo("a.in");
        assertThat(new Filter.Between("a", json("1"), json("2")).path()).isEqualTo("a.between");
        assertThat(new Filter.Like("a", "x", true).path()).isEqualTo("a.ilike");
        assertThat(new Filter.Is("a", Filter.IsValue.NULL).path()).isEqualTo("a.is");
        assertThat(new Filter.Is("a", Filter.IsValue.NULL).columnPath()).isEqualTo("a");
    }

    @Test
    void schemalessMatchesCompareByJsonKind() {
        assertThat(parse("{'n':1}").matches(row("{'n':1.0}"))).isTrue();
        assertThat(parse("{'n':'1'}").matches(row("{'n':1}"))).isFalse();
        assertThat(parse("{'n':{'neq':'1'}}").matches(row("{'n':1}"))).isFalse();
        assertThat(parse("{'s':{'gt':'a'}}").matches(row("{'s':'b'}"))).isTrue();
        assertThat(parse("{'b':{'gt':false}}").matches(row("{'b':true}"))).isTrue();
        assertThat(parse("{'s':{'like':'a%'}}").matches(row("{'s':'abc'}"))).isTrue();
        assertThat(parse("{'s':{'like':'1%'}}").matches(row("{'s':12}"))).isFalse();
        assertThat(parse("{'t':'2024-01-01'}").matches(row("{'t':'2024-01-01T00:00:00Z'}"))).isFalse();
        assertThat(parse("{'n':{'in':[1,2]}}").matches(row("{'n':2}"))).isTrue();
        assertThat(parse("{'n':{'between':[1,2]}}").matches(row("{'n':1.5}"))).isTrue();
        assertThat(parse("{'x':{'is':null}}").matches(row("{}"))).isTrue();
    }

    @Test
    void rowNodesFromTheSharedFactoryWork() {
        ObjectNode r = Json.object();
        r.put("price", new BigDecimal("2.50"));
        assertThat(parse("{'price':2.5}").compile(SCHEMA).matches(r)).isTrue();
    }
}
