package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrealtime.protocol.Json;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static io.pgrealtime.protocol.filter.Fixtures.parse;
import static io.pgrealtime.protocol.filter.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

/** Evaluation with a table: values compare with the column's type. */
class FilterEvaluationTest {

    /** Compiles {@code filter} for {@link Fixtures#schema()} and evaluates {@code row}; both single-quoted JSON. */
    static boolean matches(String filter, String row) {
        return parse(filter).compile(Fixtures.schema()).matches(row(row));
    }

    @Nested
    class Numbers {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "{'id':5}|{'id':5}|true",
                "{'id':5}|{'id':6}|false",
                "{'id':5.0}|{'id':5}|true",
                "{'id':'5'}|{'id':5}|true",
                "{'id':' 100 '}|{'id':100}|true",
                "{'id':{'neq':5}}|{'id':6}|true",
                "{'id':{'neq':5}}|{'id':5}|false",
                "{'id':{'gt':5}}|{'id':6}|true",
                "{'id':{'gt':5}}|{'id':5}|false",
                "{'id':{'gte':5}}|{'id':5}|true",
                "{'id':{'lt':5}}|{'id':4}|true",
                "{'id':{'lt':5}}|{'id':5}|false",
                "{'id':{'lte':5}}|{'id':5}|true",
                "{'id':{'gt':4.5}}|{'id':5}|true",
                "{'id':{'lt':4.5}}|{'id':5}|false",
                "{'id':{'gt':'1e2'}}|{'id':101}|true",
                "{'id':{'in':[1,'2',3.0]}}|{'id':3}|true",
                "{'id':{'in':[1,'2',3.0]}}|{'id':2}|true",
                "{'id':{'in':[1,2]}}|{'id':4}|false",
                "{'id':{'between':[1,3]}}|{'id':1}|true",
                "{'id':{'between':[1,3]}}|{'id':3}|true",
                "{'id':{'between':[1,3]}}|{'id':4}|false",
                "{'id':{'between':[3,1]}}|{'id':2}|false",
                "{'id':9223372036854775807}|{'id':9223372036854775807}|true",
                "{'id':{'lt':9223372036854775808}}|{'id':9223372036854775807}|true",
                "{'id':-9223372036854775808}|{'id':-9223372036854775808}|true",
                "{'price':1.5}|{'price':1.500}|true",
                "{'price':'1.50'}|{'price':1.5}|true",
                "{'price':0.0000001}|{'price':0.0000001}|true",
                "{'price':{'gt':0.0000001}}|{'price':0.00000011}|true",
                "{'price':{'gt':1}}|{'price':1.0000000000000000000001}|true",
                "{'price':12345678901234567890.1}|{'price':12345678901234567890.10}|true",
                "{'price':'NaN'}|{'price':'NaN'}|true",
                "{'price':{'gt':1e30}}|{'price':'NaN'}|true",
                "{'price':{'lt':'NaN'}}|{'price':'Infinity'}|true",
                "{'price':{'gt':1e30}}|{'price':'Infinity'}|true",
                "{'price':{'lt':-1e30}}|{'price':'-Infinity'}|true",
                "{'price':{'neq':'nan'}}|{'price':1}|true",
                "{'price':{'neq':1}}|{'price':'NaN'}|true",
                "{'price':'Infinity'}|{'price':'Infinity'}|true",
                "{'price':'-Infinity'}|{'price':'Infinity'}|false",
                "{'score':0.1}|{'score':0.1}|true",
                "{'score':{'gte':1}}|{'score':1.0}|true",
                "{'score':'NaN'}|{'score':'NaN'}|true",
                "{'score':{'between':['-Infinity','Infinity']}}|{'score':42.5}|true",
                "{'score':{'between':['-Infinity','Infinity']}}|{'score':'NaN'}|false",
                "{'score':0}|{'score':-0.0}|true",
        })
        void compareNumerically(String filter, String row, boolean expected) {
            assertThat(matches(filter, row)).isEqualTo(expected);
        }

        @Test
        void doubleRowValuesFromOtherParsersCompareToo() {
            Filter.Compare f = new Filter.Compare("score", Filter.Op.EQ, Json.nodes().numberNode(new BigDecimal("0.5")));
            CompiledFilter c = f.compile(Fixtures.schema());
            ObjectNode r = Json.object();
            r.put("score", 0.5d);
            assertThat(c.matches(r)).isTrue();
            r.put("score", Double.NaN);
            assertThat(c.matches(r)).isFalse();
            assertThat(new Filter.Compare("score", Filter.Op.EQ, Json.nodes().textNode("NaN"))
                    .compile(Fixtures.schema()).matches(r)).isTrue();
        }
    }

    @Nested
    class Booleans {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "{'active':true}|{'active':true}|true",
                "{'active':true}|{'active':false}|false",
                "{'active':'false'}|{'active':false}|true",
                "{'active':'TRUE'}|{'active':true}|true",
                "{'active':{'neq':true}}|{'active':false}|true",
                "{'active':{'in':[true]}}|{'active':true}|true",
                "{'active':{'is':true}}|{'active':true}|true",
                "{'active':{'is':true}}|{'active':false}|false",
                "{'active':{'is':false}}|{'active':false}|true",
                "{'active':{'is':false}}|{}|false",
                "{'active':{'is':true}}|{'active':null}|false",
                "{'active':true}|{'active':'true'}|false",
        })
        void compareAsBooleans(String filter, String row, boolean expected) {
            assertThat(matches(filter, row)).isEqualTo(expected);
        }
    }

    @Nested
    class Text {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "{'title':'Phone'}|{'title':'Phone'}|true",
                "{'title':'Phone'}|{'title':'phone'}|false",
                "{'title':'Phone'}|{'title':'Phone '}|false",
                "{'title':{'neq':'a'}}|{'title':'b'}|true",
                "{'title':{'gt':'a'}}|{'title':'b'}|true",
                "{'title':{'gt':'a'}}|{'title':'B'}|false",
                "{'title':{'gt':'ab'}}|{'title':'abc'}|true",
                "{'title':{'lt':'ab'}}|{'title':'a'}|true",
                "{'title':{'between':['a','c']}}|{'title':'bzz'}|true",
                "{'title':{'between':['a','c']}}|{'title':'c'}|true",
                "{'title':{'between':['a','c']}}|{'title':'ca'}|false",
                "{'title':{'in':['x','y']}}|{'title':'y'}|true",
                "{'title':123}|{'title':'123'}|true",
                "{'title':1.50}|{'title':'1.50'}|true",
                "{'title':true}|{'title':'true'}|true",
                "{'title':'123'}|{'title':123}|false",
        })
        void compareExactlyByCodePoint(String filter, String row, boolean expected) {
            assertThat(matches(filter, row)).isEqualTo(expected);
        }

        @Test
        void supplementaryCharactersSortAfterTheRestOfTheBmp() {
            // UTF-16 units would put U+1F600 (D83D DE00) before U+FFFD; code points put it after.
            assertThat(matches("{'title':{'gt':'\uFFFD'}}", "{'title':'\uD83D\uDE00'}")).isTrue();
            assertThat(matches("{'title':{'lt':'\uD83D\uDE00'}}", "{'title':'\uFFFD'}")).isTrue();
            assertThat(matches("{'title':{'lt':'\uE000'}}", "{'title':'\uD7FF'}")).isTrue();
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "{'title':{'like':'%phone%'}}|{'title':'smartphone X'}|true",
                "{'title':{'like':'%phone%'}}|{'title':'SmartPHONE'}|false",
                "{'title':{'ilike':'%phone%'}}|{'title':'SmartPHONE'}|true",
                "{'title':{'like':'phone%'}}|{'title':'phones'}|true",
                "{'title':{'like':'phone%'}}|{'title':'a phone'}|false",
                "{'title':{'like':'%phone'}}|{'title':'a phone'}|true",
                "{'title':{'like':'p_one'}}|{'title':'phone'}|true",
                "{'title':{'like':'p_one'}}|{'title':'pone'}|false",
                "{'title':{'like':'exact'}}|{'title':'exact'}|true",
                "{'title':{'like':'exact'}}|{'title':'exactly'}|false",
                "{'title':{'like':'100\\\\%'}}|{'title':'100%'}|true",
                "{'title':{'like':'100\\\\%'}}|{'title':'1000'}|false",
                "{'title':{'like':'a\\\\_b'}}|{'title':'a_b'}|true",
                "{'title':{'like':'a\\\\_b'}}|{'title':'axb'}|false",
                "{'title':{'like':'a\\\\\\\\b'}}|{'title':'a\\\\b'}|true",
                "{'title':{'like':'%'}}|{'title':''}|true",
                "{'title':{'like':''}}|{'title':''}|true",
                "{'title':{'like':'_'}}|{'title':'\uD83D\uDE00'}|true",
                "{'title':{'like':'%a%b%c%'}}|{'title':'xaxxbxxxc'}|true",
                "{'title':{'like':'%a%b%c%'}}|{'title':'xcxbxa'}|false",
                "{'title':{'ilike':'ÉTÉ'}}|{'title':'été'}|true",
                "{'status':{'like':'op%'}}|{'status':'open'}|true",
                "{'title':{'like':'%'}}|{'title':null}|false",
        })
        void likeAndIlike(String filter, String row, boolean expected) {
            assertThat(matches(filter, row)).isEqualTo(expected);
        }
    }

    @Nested
    class Uuids {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "{'uid':'0e37df36-f698-11e6-8dd4-cb9ced3df976'}|{'uid':'0e37df36-f698-11e6-8dd4-cb9ced3df976'}|true",
                "{'uid':'0E37DF36-F698-11E6-8DD4-CB9CED3DF976'}|{'uid':'0e37df36-f698-11e6-8dd4-cb9ced3df976'}|true",
                "{'uid':'{0e37df36f69811e68dd4cb9ced3df976}'}|{'uid':'0e37df36-f698-11e6-8dd4-cb9ced3df976'}|true",
                "{'uid':'0e37df36-f698-11e6-8dd4-cb9ced3df976'}|{'uid':'0E37DF36-F698-11E6-8DD4-CB9CED3DF976'}|true",
                "{'uid':'0e37df36-f698-11e6-8dd4-cb9ced3df976'}|{'uid':'1e37df36-f698-11e6-8dd4-cb9ced3df976'}|false",
                "{'uid':{'gt':'0e37df36-f698-11e6-8dd4-cb9ced3df976'}}|{'uid':'AE37DF36-F698-11E6-8DD4-CB9CED3DF976'}|true",
                "{'uid':{'in':['00000000-0000-0000-0000-000000000000','0E37DF36-F698-11E6-8DD4-CB9CED3DF976']}}|{'uid':'0e37df36-f698-11e6-8dd4-cb9ced3df976'}|true",
        })
        void compareCaseInsensitively(String filter, String row, boolean expected) {
            assertThat(matches(filter, row)).isEqualTo(expected);
        }
    }

    @Nested
    class Temporal {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "{'created_at':'2024-01-01'}|{'created_at':'2024-01-01T00:00:00Z'}|true",
                "{'created_at':'2024-01-01T00:00:00'}|{'created_at':'2024-01-01T00:00:00Z'}|true",
                "{'created_at':'2024-01-01T02:00:00+02:00'}|{'created_at':'2024-01-01T00:00:00Z'}|true",
                "{'created_at':'2023-12-31T19:00:00-05'}|{'created_at':'2024-01-01T00:00:00Z'}|true",
                "{'created_at':'2024-01-01 05:30:00+0530'}|{'created_at':'2024-01-01T00:00:00Z'}|true",
                "{'created_at':'2024-01-01T00:00:00.000Z'}|{'created_at':'2024-01-01T00:00:00Z'}|true",
                "{'created_at':'2024-01-01T00:00:00.123456Z'}|{'created_at':'2024-01-01T00:00:00.123456Z'}|true",
                "{'created_at':'2024-01-01T00:00:00.123456Z'}|{'created_at':'2024-01-01T00:00:00.123457Z'}|false",
                "{'created_at':{'gt':'2024-01-01'}}|{'created_at':'2024-01-01T00:00:00.000001Z'}|true",
                "{'created_at':{'gt':'2024-01-01'}}|{'created_at':'2024-01-01T00:00:00Z'}|false",
                "{'created_at':{'lt':'2024-01-01T01:00:00+01:00'}}|{'created_at':'2023-12-31T23:59:59.999999Z'}|true",
                "{'created_at':{'between':['2024-01-01','2024-12-31']}}|{'created_at':'2024-06-15T12:00:00Z'}|true",
                "{'created_at':{'between':['2024-01-01','2024-12-31']}}|{'created_at':'2024-12-31T00:00:01Z'}|false",
                "{'created_at':{'gt':'2024-01-01'}}|{'created_at':'infinity'}|true",
                "{'created_at':{'lt':'1900-01-01'}}|{'created_at':'-infinity'}|true",
                "{'created_at':'infinity'}|{'created_at':'infinity'}|true",
                "{'created_at':{'gt':'2024-01-01'}}|{'created_at':'garbage'}|false",
                "{'local_at':'2024-01-01T10:00:00'}|{'local_at':'2024-01-01T10:00:00'}|true",
                "{'local_at':'2024-01-01T10:00:00Z'}|{'local_at':'2024-01-01T10:00:00'}|true",
                "{'local_at':'2024-01-01T10:00:00+02:00'}|{'local_at':'2024-01-01T10:00:00'}|true",
                "{'local_at':{'lt':'2024-01-01T10:00:00.5'}}|{'local_at':'2024-01-01T10:00:00.499999'}|true",
                "{'local_at':'2024-01-01'}|{'local_at':'2024-01-01T00:00:00'}|true",
                "{'day':'2024-01-01'}|{'day':'2024-01-01'}|true",
                "{'day':'2024-01-01T23:59:59'}|{'day':'2024-01-01'}|true",
                "{'day':{'gt':'2024-01-01'}}|{'day':'2024-01-02'}|true",
                "{'day':{'between':['2024-02-28','2024-03-01']}}|{'day':'2024-02-29'}|true",
                "{'day':{'lt':'0001-01-01'}}|{'day':'-0044-03-15'}|true",
                "{'day':{'gt':'9999-12-31'}}|{'day':'+10000-01-01'}|true",
                "{'at_time':'10:00:00'}|{'at_time':'10:00:00'}|true",
                "{'at_time':'10:00'}|{'at_time':'10:00:00'}|true",
                "{'at_time':{'gt':'10:00:00'}}|{'at_time':'10:00:00.000001'}|true",
                "{'at_time':{'lt':'24:00:00'}}|{'at_time':'23:59:59.999999'}|true",
                "{'at_timetz':'10:00:00+02'}|{'at_timetz':'08:00:00Z'}|true",
                "{'at_timetz':{'lt':'10:00:00+00'}}|{'at_timetz':'11:00:00+02'}|true",
        })
        void compareAsInstantsDatesAndTimes(String filter, String row, boolean expected) {
            assertThat(matches(filter, row)).isEqualTo(expected);
        }
    }

    @Nested
    class JsonAndOther {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "{'meta':'x'}|{'meta':'x'}|true",
                "{'meta':1}|{'meta':1.0}|true",
                "{'meta':true}|{'meta':true}|true",
                "{'meta':'x'}|{'meta':{'a':'x'}}|false",
                "{'meta':{'neq':'x'}}|{'meta':{'a':'x'}}|true",
                "{'meta':{'neq':'1'}}|{'meta':1}|true",
                "{'meta':{'in':['a',2]}}|{'meta':2}|true",
                "{'meta':{'is':null}}|{'meta':null}|true",
                "{'mood':'happy'}|{'mood':'happy'}|true",
                "{'mood':{'neq':'happy'}}|{'mood':'sad'}|true",
                "{'mood':{'in':['sad','ok']}}|{'mood':'happy'}|false",
                "{'tags':{'is':null}}|{'tags':['a']}|false",
                "{'tags':{'is':null}}|{}|true",
        })
        void compareByJsonKind(String filter, String row, boolean expected) {
            assertThat(matches(filter, row)).isEqualTo(expected);
        }
    }

    @Nested
    class Nulls {
        @ParameterizedTest
        @ValueSource(strings = {
                "{'qty':1}", "{'qty':{'neq':1}}", "{'qty':{'gt':1}}", "{'qty':{'gte':1}}", "{'qty':{'lt':1}}",
                "{'qty':{'lte':1}}", "{'qty':{'in':[1,2]}}", "{'qty':{'between':[0,9]}}", "{'title':{'like':'%'}}",
                "{'title':{'ilike':'%'}}", "{'title':{'neq':'x'}}", "{'active':{'is':true}}",
                "{'active':{'is':false}}", "{'created_at':{'neq':'2024-01-01'}}"})
        void everyComparisonWithNullOrAbsentIsFalse(String filter) {
            String column = filter.substring(2, filter.indexOf('\'', 2));
            assertThat(matches(filter, "{'" + column + "':null}")).isFalse();
            assertThat(matches(filter, "{}")).isFalse();
        }

        @Test
        void onlyIsNullMatchesNull() {
            assertThat(matches("{'qty':{'is':null}}", "{'qty':null}")).isTrue();
            assertThat(matches("{'qty':{'is':null}}", "{}")).isTrue();
            assertThat(matches("{'qty':{'is':null}}", "{'qty':0}")).isFalse();
        }

        @Test
        void aValueOfTheWrongKindMatchesNoOperator() {
            assertThat(matches("{'qty':1}", "{'qty':'one'}")).isFalse();
            assertThat(matches("{'qty':{'neq':1}}", "{'qty':'one'}")).isFalse();
            assertThat(matches("{'qty':{'neq':1}}", "{'qty':[1]}")).isFalse();
        }

        @Test
        void nullRowIsAnEmptyRow() {
            CompiledFilter isNull = parse("{'qty':{'is':null}}").compile(Fixtures.schema());
            CompiledFilter eq = parse("{'qty':1}").compile(Fixtures.schema());
            assertThat(isNull.matches(null)).isTrue();
            assertThat(eq.matches(null)).isFalse();
            assertThat(Filter.TRUE.compile(Fixtures.schema()).matches(null)).isTrue();
        }
    }

    @Nested
    class Logic {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "{'status':'open','qty':{'gte':3}}|{'status':'open','qty':3}|true",
                "{'status':'open','qty':{'gte':3}}|{'status':'open','qty':2}|false",
                "{'qty':{'gt':1,'lt':5}}|{'qty':3}|true",
                "{'qty':{'gt':1,'lt':5}}|{'qty':5}|false",
                "{'$or':[{'owner_id':'u1'},{'active':true}]}|{'owner_id':'u2','active':true}|true",
                "{'$or':[{'owner_id':'u1'},{'active':true}]}|{'owner_id':'u2','active':false}|false",
                "{'$or':[{'owner_id':'u1'},{'active':true}]}|{'owner_id':'u1'}|true",
                "{'status':'open','$or':[{'qty':1},{'qty':2}]}|{'status':'open','qty':2}|true",
                "{'status':'open','$or':[{'qty':1},{'qty':2}]}|{'status':'closed','qty':2}|false",
                "{'$and':[{'$or':[{'qty':1},{'qty':2}]},{'$or':[{'status':'a'},{'status':'b'}]}]}|{'qty':2,'status':'b'}|true",
                "{'$and':[{'$or':[{'qty':1},{'qty':2}]},{'$or':[{'status':'a'},{'status':'b'}]}]}|{'qty':2,'status':'c'}|false",
                "{'$or':[{'$and':[{'qty':1},{'status':'a'}]},{'$and':[{'qty':2},{'status':'b'}]}]}|{'qty':2,'status':'b'}|true",
                "{'$or':[{'$and':[{'qty':1},{'status':'a'}]},{'$and':[{'qty':2},{'status':'b'}]}]}|{'qty':1,'status':'b'}|false",
                "{}|{'qty':1}|true",
                "{'$or':[{},{'qty':1}]}|{'qty':2}|true",
        })
        void andOrNesting(String filter, String row, boolean expected) {
            assertThat(matches(filter, row)).isEqualTo(expected);
        }

        @Test
        void falseMatchesNothing() {
            assertThat(Filter.FALSE.compile(Fixtures.schema()).matches(row("{'qty':1}"))).isFalse();
            assertThat(Filter.FALSE.matches(row("{}"))).isFalse();
        }
    }

    @Test
    void compiledFilterExposesItsParts() {
        Filter f = parse("{'qty':1}");
        CompiledFilter c = f.compile(Fixtures.schema());
        assertThat(c.filter()).isSameAs(f);
        assertThat(c.schema()).isEqualTo(Fixtures.schema());
        assertThat(c.columns()).containsExactly("qty");
        assertThat(f.compile().schema()).isNull();
    }
}
