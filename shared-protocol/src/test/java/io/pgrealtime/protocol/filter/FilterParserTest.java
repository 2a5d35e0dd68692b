package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.pgrealtime.protocol.filter.FilterError.INVALID_VALUE;
import static io.pgrealtime.protocol.filter.FilterError.UNSUPPORTED_OPERATOR;
import static io.pgrealtime.protocol.filter.Fixtures.errors;
import static io.pgrealtime.protocol.filter.Fixtures.json;
import static io.pgrealtime.protocol.filter.Fixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

class FilterParserTest {

    @Test
    void emptyFilterIsTrue() {
        assertThat(parse("{}")).isEqualTo(Filter.TRUE);
        assertThat(FilterParser.parse((JsonNode) null)).isEqualTo(Filter.TRUE);
        assertThat(FilterParser.parse(NullNode.getInstance())).isEqualTo(Filter.TRUE);
    }

    @Test
    void bareValueIsEquality() {
        assertThat(parse("{'status':'open'}"))
                .isEqualTo(new Filter.Compare("status", Filter.Op.EQ, json("'open'"), "status"));
    }

    @Test
    void everyComparisonOperator() {
        for (Filter.Op op : Filter.Op.values()) {
            assertThat(parse("{'n':{'" + op.token() + "':5}}"))
                    .isEqualTo(new Filter.Compare("n", op, json("5"), "n." + op.token()));
        }
    }

    @Test
    void severalOperatorsOnOneColumnAreAnded() {
        assertThat(parse("{'priority':{'gt':1,'lt':5}}")).isEqualTo(new Filter.And(List.of(
                new Filter.Compare("priority", Filter.Op.GT, json("1")),
                new Filter.Compare("priority", Filter.Op.LT, json("5")))));
    }

    @Test
    void inBetweenLikeIlikeIs() {
        assertThat(parse("{'c':{'in':[1,'2',true]}}"))
                .isEqualTo(new Filter.In("c", List.of(json("1"), json("'2'"), json("true"))));
        assertThat(parse("{'c':{'between':['2024-01-01','2024-12-31']}}"))
                .isEqualTo(new Filter.Between("c", json("'2024-01-01'"), json("'2024-12-31'")));
        assertThat(parse("{'c':{'like':'%phone%'}}")).isEqualTo(new Filter.Like("c", "%phone%", false));
        assertThat(parse("{'c':{'ilike':'a_c'}}")).isEqualTo(new Filter.Like("c", "a_c", true));
        assertThat(parse("{'c':{'is':null}}")).isEqualTo(new Filter.Is("c", Filter.IsValue.NULL));
        assertThat(parse("{'c':{'is':true}}")).isEqualTo(new Filter.Is("c", Filter.IsValue.TRUE));
        assertThat(parse("{'c':{'is':false}}")).isEqualTo(new Filter.Is("c", Filter.IsValue.FALSE));
    }

    @Test
    void specExampleParses() {
        Filter f = parse("{'status':'published','view_count':{'gt':100},'category_id':{'in':[1,2,3]},"
                + "'title':{'like':'%phone%'},'created_at':{'between':['2024-01-01','2024-12-31']},"
                + "'deleted_at':{'is':null},'$or':[{'owner_id':'u1'},{'is_public':true}]}");

        assertThat(f).isInstanceOf(Filter.And.class);
        List<Filter> parts = ((Filter.And) f).filters();
        assertThat(parts).hasSize(7);
        assertThat(parts.get(6)).isEqualTo(new Filter.Or(List.of(
                new Filter.Compare("owner_id", Filter.Op.EQ, json("'u1'"), "$or[0].owner_id"),
                new Filter.Compare("is_public", Filter.Op.EQ, json("true"), "$or[1].is_public"))));
        assertThat(f.columns()).containsExactly("status", "view_count", "category_id", "title", "created_at",
                "deleted_at", "owner_id", "is_public");
    }

    @Test
    void logicalOperatorsNest() {
        Filter f = parse("{'$and':[{'a':1},{'$or':[{'b':2},{'c':{'gte':3}}]}]}");
        assertThat(f).isEqualTo(new Filter.And(List.of(
                new Filter.Compare("a", Filter.Op.EQ, json("1"), "$and[0].a"),
                new Filter.Or(List.of(
                        new Filter.Compare("b", Filter.Op.EQ, json("2"), "$and[1].$or[0].b"),
                        new Filter.Compare("c", Filter.Op.GTE, json("3"), "$and[1].$or[1].c.gte"))))));
    }

    @Test
    void singleElementLogicalIsUnwrapped() {
        assertThat(parse("{'$or':[{'a':1}]}")).isEqualTo(new Filter.Compare("a", Filter.Op.EQ, json("1"), "$or[0].a"));
    }

    @Test
    void placeholderIsAcceptedWhereAValueIsAndForAWholeInList() {
        assertThat(parse("{'tenant_id':'{{claims.tenant_id}}'}").claims()).containsExactly("tenant_id");
        assertThat(parse("{'g':{'in':'{{claims.groups}}'}}"))
                .isEqualTo(new Filter.In("g", List.of(json("'{{claims.groups}}'"))));
    }

    @Test
    void conditionsKeepColumnAndValuePaths() {
        Filter.Or or = (Filter.Or) parse("{'$or':[{'x':1},{'priority':{'gte':3}}]}");
        Filter.Condition bare = (Filter.Condition) or.filters().get(0);
        Filter.Condition op = (Filter.Condition) or.filters().get(1);

        assertThat(bare.path()).isEqualTo("$or[0].x");
        assertThat(bare.columnPath()).isEqualTo("$or[0].x");
        assertThat(op.path()).isEqualTo("$or[1].priority.gte");
        assertThat(op.columnPath()).isEqualTo("$or[1].priority");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "'text'", "1", "true", "[{'a':1}]"})
    void nonObjectFilterIsInvalid(String filter) {
        assertThat(errors(() -> parse(filter))).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("$"))
                .satisfies(e -> assertThat(e.code()).isEqualTo(INVALID_VALUE));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'p':{'gtx':1}}|p.gtx|UNSUPPORTED_OPERATOR",
            "{'p':{'$eq':1}}|p.$eq|UNSUPPORTED_OPERATOR",
            "{'p':{'EQ':1}}|p.EQ|UNSUPPORTED_OPERATOR",
            "{'$not':{'a':1}}|$not|UNSUPPORTED_OPERATOR",
            "{'p':{'in':5}}|p.in|INVALID_VALUE",
            "{'p':{'in':[]}}|p.in|INVALID_VALUE",
            "{'p':{'in':'text'}}|p.in|INVALID_VALUE",
            "{'p':{'in':[1,{'a':1}]}}|p.in[1]|INVALID_VALUE",
            "{'p':{'in':[null]}}|p.in[0]|INVALID_VALUE",
            "{'p':{'in':[[1]]}}|p.in[0]|INVALID_VALUE",
            "{'p':{'between':[1]}}|p.between|INVALID_VALUE",
            "{'p':{'between':[1,2,3]}}|p.between|INVALID_VALUE",
            "{'p':{'between':'1,2'}}|p.between|INVALID_VALUE",
            "{'p':{'between':[1,{}]}}|p.between[1]|INVALID_VALUE",
            "{'p':{'between':[null,2]}}|p.between[0]|INVALID_VALUE",
            "{'p':{'is':'null'}}|p.is|INVALID_VALUE",
            "{'p':{'is':1}}|p.is|INVALID_VALUE",
            "{'p':{'like':5}}|p.like|INVALID_VALUE",
            "{'p':{'ilike':null}}|p.ilike|INVALID_VALUE",
            "{'p':{'like':'abc\\\\'}}|p.like|INVALID_VALUE",
            "{'p':[1,2]}|p|INVALID_VALUE",
            "{'p':null}|p|INVALID_VALUE",
            "{'p':{}}|p|INVALID_VALUE",
            "{'p':{'eq':{'a':1}}}|p.eq|INVALID_VALUE",
            "{'p':{'gt':null}}|p.gt|INVALID_VALUE",
            "{'p':{'neq':[1]}}|p.neq|INVALID_VALUE",
            "{'$or':{'a':1}}|$or|INVALID_VALUE",
            "{'$or':[]}|$or|INVALID_VALUE",
            "{'$and':[]}|$and|INVALID_VALUE",
            "{'$or':[{'a':1},2]}|$or[1]|INVALID_VALUE",
            "{'$or':[{'a':1},{'status':{'gt':{}}}]}|$or[1].status.gt|INVALID_VALUE",
            "{'$and':[{'$or':[{'a':{'bad':1}}]}]}|$and[0].$or[0].a.bad|UNSUPPORTED_OPERATOR",
    })
    void errorsNameTheirLocation(String filter, String field, String code) {
        assertThat(errors(() -> parse(filter)))
                .extracting(FilterError::field, FilterError::code)
                .containsExactly(tuple(field, code));
    }

    @Test
    void allErrorsAreCollectedInOrder() {
        List<FilterError> errors = errors(() -> parse(
                "{'a':{'gtx':1},'b':{'in':[]},'ok':1,'$or':[{'c':{'is':'x'}},{'d':{'between':[1]}}],'e':{'like':3}}"));
        assertThat(errors).extracting(FilterError::field)
                .containsExactly("a.gtx", "b.in", "$or[0].c.is", "$or[1].d.between", "e.like");
        assertThat(errors).extracting(FilterError::code)
                .containsExactly(UNSUPPORTED_OPERATOR, INVALID_VALUE, INVALID_VALUE, INVALID_VALUE, INVALID_VALUE);
        assertThat(errors).allSatisfy(e -> assertThat(e.message()).isNotBlank());
    }

    @Test
    void exceptionCarriesWireCodeAndSummary() {
        FilterException e = catchThrowableOfType(FilterException.class,
                () -> parse("{'a':{'gtx':1}}"));
        assertThat(e).isInstanceOf(ProtocolException.class);
        assertThat(e.code()).isEqualTo("INVALID_FILTERS");
        assertThat(e.getMessage()).contains("a.gtx").contains("unsupported operator 'gtx'");
    }

    @Test
    void depthEightIsAllowedNineIsNot() {
        assertThat(parse(nested(8))).isNotNull();
        assertThat(errors(() -> parse(nested(9)))).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("$"))
                .satisfies(e -> assertThat(e.message()).contains("deeper than 8"));
        assertThat(errors(() -> parse(nested(50)))).hasSize(1);
    }

    /** A filter whose innermost object is at the given depth (top level is 1). */
    private static String nested(int depth) {
        String inner = "{'x':1}";
        for (int i = 1; i < depth; i++) {
            inner = "{'$or':[" + inner + ",{'y':" + i + "}]}";
        }
        return inner;
    }

    @Test
    void atMostSixtyFourConditions() {
        assertThat(parse(conditions(64)).columns()).hasSize(64);
        assertThat(errors(() -> parse(conditions(65)))).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("$"))
                .satisfies(e -> assertThat(e.code()).isEqualTo(INVALID_VALUE));
        assertThat(errors(() -> parse(conditions(500)))).hasSize(1);
    }

    @Test
    void operatorsOnOneColumnCountSeparately() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < 51; i++) {
            b.append(i == 0 ? "" : ",").append("'c").append(i).append("':{'gt':1,'lt':2}");
        }
        assertThat(errors(() -> parse(b.append("}").toString()))).extracting(FilterError::field).containsExactly("$");
    }

    private static String conditions(int n) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("'c").append(i).append("':").append(i);
        }
        return b.append("}").toString();
    }

    @Test
    void inListIsLimited() {
        StringBuilder b = new StringBuilder("{'c':{'in':[0");
        for (int i = 1; i <= FilterParser.MAX_IN_VALUES; i++) {
            b.append(',').append(i);
        }
        assertThat(errors(() -> parse(b.append("]}}").toString()))).extracting(FilterError::field).containsExactly("c.in");
    }

    @Test
    void parsesJsonText() {
        assertThat(FilterParser.parse("{\"a\": 1}")).isEqualTo(new Filter.Compare("a", Filter.Op.EQ, Json.nodes().numberNode(1)));
        assertThat(errors(() -> FilterParser.parse("{\"a\": "))).extracting(FilterError::field).containsExactly("$");
    }
}
