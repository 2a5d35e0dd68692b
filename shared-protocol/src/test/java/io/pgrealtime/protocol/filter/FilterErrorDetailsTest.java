package io.pgrealtime.protocol.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrealtime.protocol.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static io.pgrealtime.protocol.filter.Fixtures.errors;
import static io.pgrealtime.protocol.filter.Fixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** {@code details} of INVALID_FILTERS keyed by field, as seed 003's clients read them. */
class FilterErrorDetailsTest {
    private static final TableSchema SCHEMA = Fixtures.schema();

    @Test
    void seed003ExampleReadsDetailsInvalidFieldCode() {
        // socket.emit('subscribe', {resource:'posts', filters:{status:'published', invalid_field:'value'}})
        List<FilterError> found = errors(() -> FilterValidator.validate(
                parse("{'status':'published','invalid_field':'value'}"), SCHEMA));
        JsonNode details = FilterError.details(found);
        assertThat(details.path("invalid_field").path("code").asText()).isEqualTo("UNKNOWN_FIELD");
        assertThat(details.path("invalid_field").path("message").asText()).isNotBlank();
        assertThat(details.path("invalid_field").path("field").asText()).isEqualTo("invalid_field");
        assertThat(details.size()).isEqualTo(1);
    }

    @Test
    void problemsAreFiledUnderTheirColumnWithThePathKept() {
        List<FilterError> found = errors(() -> FilterValidator.validate(parse(
                "{'qty':{'gt':'x','lt':'y'},'$or':[{'title':{'like':1}},{'nope':2}],'id':{'in':[1,'z']},'$not':[]}"), SCHEMA));
        // The parser reports the shape problems (like on 1, $not) first, in document order.
        assertThat(found).extracting(FilterError::field, FilterError::key).containsExactly(
                tuple("$or[0].title.like", "title"), tuple("$not", "$not"));
        List<FilterError> typed = errors(() -> FilterValidator.validate(parse(
                "{'qty':{'gt':'x','lt':'y'},'$or':[{'title':'a'},{'nope':2}],'id':{'in':[1,'z']}}"), SCHEMA));
        JsonNode details = FilterError.details(typed);
        assertThat(Json.mapper().convertValue(details, java.util.Map.class).keySet()).containsExactly("qty", "nope", "id");
        assertThat(details.path("qty").path("code").asText()).isEqualTo("INVALID_VALUE");
        assertThat(details.path("qty").path("field").asText()).isEqualTo("qty.gt");
        assertThat(details.path("qty").path("problems")).hasSize(2);
        assertThat(details.path("qty").path("problems").get(1).path("field").asText()).isEqualTo("qty.lt");
        assertThat(details.path("nope").path("field").asText()).isEqualTo("$or[1].nope");
        assertThat(details.path("id").path("field").asText()).isEqualTo("id.in[1]");
        assertThat(details.path("id").has("problems")).isFalse();
    }

    @Test
    void wholeFilterProblemsAreFiledUnderDollar() {
        JsonNode details = FilterError.details(errors(() -> FilterParser.parse("[1]")));
        assertThat(details.path("$").path("code").asText()).isEqualTo("INVALID_VALUE");
    }

    @Test
    void aColumnNameWithADotIsKeptWhole() {
        List<FilterError> found = errors(() -> FilterParser.parse(Fixtures.json("{'a.b':{'gt':null}}")));
        assertThat(found).extracting(FilterError::field, FilterError::key).containsExactly(tuple("a.b.gt", "a.b"));
    }

    @ParameterizedTest
    @CsvSource({"status,status", "priority.gte,priority", "category_id.in[2],category_id", "$or[1].status,status",
            "$and[0].$or[2].x.between[1],x", "$not,$not", "$or[1],$or", "$,$"})
    void keyOfAPath(String path, String key) {
        assertThat(FilterError.keyOf(path)).isEqualTo(key);
    }
}
