package io.pgrealtime.protocol.filter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static io.pgrealtime.protocol.filter.FilterError.INVALID_VALUE;
import static io.pgrealtime.protocol.filter.FilterError.UNKNOWN_FIELD;
import static io.pgrealtime.protocol.filter.FilterError.UNSUPPORTED_OPERATOR;
import static io.pgrealtime.protocol.filter.Fixtures.errors;
import static io.pgrealtime.protocol.filter.Fixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.groups.Tuple.tuple;

class FilterValidatorTest {
    private static final TableSchema SCHEMA = Fixtures.schema();

    private static List<FilterError> validate(String filter) {
        return errors(() -> FilterValidator.validate(parse(filter), SCHEMA));
    }

    @Test
    void validFilterPasses() {
        assertThatCode(() -> FilterValidator.validate(parse(
                "{'status':'open','qty':{'gte':'3'},'title':{'ilike':'%a%'},'created_at':{'between':['2024-01-01','2024-12-31']},"
                        + "'uid':{'in':['0e37df36-f698-11e6-8dd4-cb9ced3df976']},'active':{'is':true},'meta':{'is':null},"
                        + "'tags':{'is':null},'mood':{'neq':'sad'},'$or':[{'owner_id':'u1'},{'price':{'lt':'NaN'}}]}"), SCHEMA))
                .doesNotThrowAnyException();
        assertThat(FilterValidator.check(Filter.TRUE, SCHEMA)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'nope':1}|nope|UNKNOWN_FIELD",
            "{'nope':{'gt':1,'lt':5}}|nope|UNKNOWN_FIELD",
            "{'$or':[{'id':1},{'nope':{'in':[1]}}]}|$or[1].nope|UNKNOWN_FIELD",
            "{'ID':1}|ID|UNKNOWN_FIELD",
            "{'salary':{'gt':100}}|salary|UNKNOWN_FIELD",
            "{'active':{'gt':true}}|active.gt|UNSUPPORTED_OPERATOR",
            "{'active':{'between':[false,true]}}|active.between|UNSUPPORTED_OPERATOR",
            "{'active':{'like':'t%'}}|active.like|UNSUPPORTED_OPERATOR",
            "{'meta':{'gt':1}}|meta.gt|UNSUPPORTED_OPERATOR",
            "{'meta':{'like':'%'}}|meta.like|UNSUPPORTED_OPERATOR",
            "{'qty':{'like':'1%'}}|qty.like|UNSUPPORTED_OPERATOR",
            "{'uid':{'ilike':'0e%'}}|uid.ilike|UNSUPPORTED_OPERATOR",
            "{'created_at':{'like':'2024%'}}|created_at.like|UNSUPPORTED_OPERATOR",
            "{'tags':'a'}|tags|UNSUPPORTED_OPERATOR",
            "{'tags':{'in':['a']}}|tags.in|UNSUPPORTED_OPERATOR",
            "{'mood':{'gt':'happy'}}|mood.gt|UNSUPPORTED_OPERATOR",
            "{'qty':'abc'}|qty|INVALID_VALUE",
            "{'qty':{'eq':'abc'}}|qty.eq|INVALID_VALUE",
            "{'qty':true}|qty|INVALID_VALUE",
            "{'qty':'NaN'}|qty|INVALID_VALUE",
            "{'qty':{'in':[1,'x',3]}}|qty.in[1]|INVALID_VALUE",
            "{'qty':{'between':[1,'z']}}|qty.between[1]|INVALID_VALUE",
            "{'price':'1.2.3'}|price|INVALID_VALUE",
            "{'active':'yes'}|active|INVALID_VALUE",
            "{'active':1}|active|INVALID_VALUE",
            "{'uid':'not-a-uuid'}|uid|INVALID_VALUE",
            "{'uid':'{0e37df36-f698-11e6-8dd4-cb9ced3df976'}|uid|INVALID_VALUE",
            "{'uid':123}|uid|INVALID_VALUE",
            "{'created_at':'yesterday'}|created_at|INVALID_VALUE",
            "{'created_at':'2024-02-30'}|created_at|INVALID_VALUE",
            "{'created_at':'2024-01-01T25:00:00Z'}|created_at|INVALID_VALUE",
            "{'created_at':'2024-01-01T10:00:00+99:00'}|created_at|INVALID_VALUE",
            "{'created_at':1704067200}|created_at|INVALID_VALUE",
            "{'created_at':{'between':['2024-01-01','soon']}}|created_at.between[1]|INVALID_VALUE",
            "{'day':'01/02/2024'}|day|INVALID_VALUE",
            "{'at_time':'10h'}|at_time|INVALID_VALUE",
            "{'title':{'is':true}}|title.is|INVALID_VALUE",
            "{'qty':{'is':false}}|qty.is|INVALID_VALUE",
            "{'$or':[{'qty':1},{'qty':{'gte':'many'}}]}|$or[1].qty.gte|INVALID_VALUE",
    })
    void reportsProblemAtItsPath(String filter, String field, String code) {
        assertThat(validate(filter)).extracting(FilterError::field, FilterError::code).containsExactly(tuple(field, code));
    }

    @Test
    void hiddenAndMissingColumnsGetTheSameMessage() {
        FilterError hidden = validate("{'salary':1}").get(0);
        FilterError missing = validate("{'bonus':1}").get(0);
        assertThat(hidden.message()).isEqualTo("unknown column 'salary'");
        assertThat(missing.message()).isEqualTo("unknown column 'bonus'");
    }

    @Test
    void messagesExplain() {
        assertThat(validate("{'active':{'gt':true}}").get(0).message())
                .isEqualTo("operator 'gt' does not apply to a boolean column 'active'");
        assertThat(validate("{'qty':'abc'}").get(0).message()).isEqualTo("column 'qty' is an integer: 'abc' is not a number");
    }

    @Test
    void collectsEveryError() {
        List<FilterError> errors = validate("{'nope':1,'active':{'gt':true},'qty':{'in':['a','b']},"
                + "'$or':[{'nope':2},{'title':{'is':false}}]}");
        assertThat(errors).extracting(FilterError::field, FilterError::code).containsExactly(
                tuple("nope", UNKNOWN_FIELD),
                tuple("active.gt", UNSUPPORTED_OPERATOR),
                tuple("qty.in[0]", INVALID_VALUE),
                tuple("qty.in[1]", INVALID_VALUE),
                tuple("$or[0].nope", UNKNOWN_FIELD),
                tuple("$or[1].title.is", INVALID_VALUE));
    }

    @Test
    void placeholdersAreNotTypeChecked() {
        assertThat(FilterValidator.check(parse("{'qty':'{{claims.qty}}','uid':{'in':['{{claims.ids}}']},"
                + "'created_at':{'between':['{{claims.a}}','{{claims.b}}']},'title':{'like':'{{claims.p}}'}}"), SCHEMA))
                .isEmpty();
        assertThat(FilterValidator.check(parse("{'nope':'{{claims.x}}'}"), SCHEMA))
                .extracting(FilterError::code).containsExactly(UNKNOWN_FIELD);
        assertThat(FilterValidator.check(parse("{'active':{'gt':'{{claims.x}}'}}"), SCHEMA))
                .extracting(FilterError::code).containsExactly(UNSUPPORTED_OPERATOR);
    }

    @Test
    void compileValidatesFirst() {
        List<FilterError> errors = errors(() -> parse("{'nope':1,'qty':'x'}").compile(SCHEMA));
        assertThat(errors).extracting(FilterError::field).containsExactly("nope", "qty");
    }

    @Test
    void withoutASchemaOnlyLikePatternsAreChecked() {
        Filter badPattern = new Filter.Like("t", "abc\\", false);
        assertThat(FilterValidator.check(badPattern, null)).extracting(FilterError::field, FilterError::code)
                .containsExactly(tuple("t.like", INVALID_VALUE));
        assertThat(errors(badPattern::compile)).hasSize(1);
        assertThat(FilterValidator.check(parse("{'anything':{'gt':'x'}}"), null)).isEmpty();
    }

    @Test
    void boundClaimValuesAreCheckedWhenCompiled() {
        Filter bound = parse("{'tenant_id':'{{claims.tenant}}'}").bind(Map.of("tenant", "acme"));
        assertThat(errors(() -> bound.compile(SCHEMA))).extracting(FilterError::field, FilterError::code)
                .containsExactly(tuple("tenant_id", INVALID_VALUE));
    }
}
