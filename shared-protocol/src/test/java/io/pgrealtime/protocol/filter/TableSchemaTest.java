package io.pgrealtime.protocol.filter;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableSchemaTest {

    @Test
    void keepsColumnOrderAndIsImmutable() {
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        columns.put("z", ColumnType.TEXT);
        columns.put("a", ColumnType.INTEGER);
        TableSchema s = new TableSchema(columns, List.of("a"));
        columns.put("b", ColumnType.TEXT);

        assertThat(s.columns().keySet()).containsExactly("z", "a");
        assertThatThrownBy(() -> s.columns().put("c", ColumnType.TEXT)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(s.type("a")).isEqualTo(ColumnType.INTEGER);
        assertThat(s.type("nope")).isNull();
    }

    @Test
    void filterability() {
        TableSchema s = TableSchema.builder().column("id", "int4").column("secret", "text").primaryKey("id").build();
        assertThat(s.isFilterable("secret")).isTrue();
        TableSchema restricted = s.withUnfilterable(Set.of("secret"));
        assertThat(restricted.isFilterable("secret")).isFalse();
        assertThat(restricted.isFilterable("id")).isTrue();
        assertThat(restricted.isFilterable("nope")).isFalse();
        assertThat(restricted.type("secret")).isEqualTo(ColumnType.TEXT);
    }

    @Test
    void keyOnly() {
        TableSchema s = TableSchema.builder().column("a", "int4").column("b", "int4").column("c", "text")
                .primaryKey("a", "b").build();
        assertThat(s.isKeyOnly(Set.of("a"))).isTrue();
        assertThat(s.isKeyOnly(Set.of("a", "b"))).isTrue();
        assertThat(s.isKeyOnly(Set.of("a", "c"))).isFalse();
        assertThat(TableSchema.builder().column("a", "int4").build().isKeyOnly(Set.of("a"))).isFalse();
    }

    @Test
    void primaryKeyMustBeColumns() {
        assertThatThrownBy(() -> TableSchema.builder().column("a", "int4").primaryKey("b").build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
