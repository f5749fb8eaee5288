package io.dataflow.flink.connector.clickhouse;

import io.dataflow.flink.connector.polling.PollCursor;
import io.dataflow.flink.connector.polling.PollingQuery;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Escaping of identifiers and literals, table names, and the cursor SQL with inline literals. */
class ClickHouseSqlTest {

    @Test
    void literalsEscapeQuotesBackslashesAndControlCharacters() {
        assertThat(ClickHouseSql.quoteString("it's")).isEqualTo("'it\\'s'");
        assertThat(ClickHouseSql.quoteString("a\\'; DROP TABLE t; --")).isEqualTo("'a\\\\\\'; DROP TABLE t; --'");
        assertThat(ClickHouseSql.quoteString("tab\tnl\ncr\r\0")).isEqualTo("'tab\\tnl\\ncr\\r\\0'");
        assertThat(ClickHouseSql.quoteString("é🚀")).isEqualTo("'é🚀'");
    }

    @Test
    void identifiersUseBackticks() {
        assertThat(ClickHouseSql.quoteIdentifier("order")).isEqualTo("`order`");
        assertThat(ClickHouseSql.quoteIdentifier("we`ird\\")).isEqualTo("`we\\`ird\\\\`");
    }

    @Test
    void tableNamesSplitAtTheLastDotOutsideBackticks() {
        assertThat(ClickHouseTableName.parse("events", "db")).isEqualTo(new ClickHouseTableName("db", "events"));
        assertThat(ClickHouseTableName.parse("shop.events", "db")).isEqualTo(new ClickHouseTableName("shop", "events"));
        assertThat(ClickHouseTableName.parse("`my.db`.`ev.ents`", "db")).isEqualTo(new ClickHouseTableName("my.db", "ev.ents"));
        assertThat(ClickHouseTableName.parse("shop.events", "db").qualified()).isEqualTo("`shop`.`events`");
        assertThatThrownBy(() -> ClickHouseTableName.parse("`open", "db")).hasMessageContaining("unclosed backtick");
        assertThatThrownBy(() -> ClickHouseTableName.parse("shop.", "db")).hasMessageContaining("empty part");
    }

    @Test
    void cursorValuesAreCastLiteralsOfTheColumnType() {
        PollingQuery q = PollingQuery.incremental(ClickHouseCursorDialect.INSTANCE, "`db`.`t`", "`created_at`", "DateTime",
                "`id`", "String", 1000);
        assertThat(q.sql(PollCursor.START)).isEqualTo("SELECT *, `created_at` AS `__dataflow_change` FROM `db`.`t` "
                + "ORDER BY `created_at`, `id` LIMIT 1000");
        assertThat(q.sql(new PollCursor("2026-01-01 10:00:00", "k'1\\"))).isEqualTo("SELECT *, `created_at` AS `__dataflow_change` "
                + "FROM `db`.`t` WHERE (`created_at`, `id`) > (CAST('2026-01-01 10:00:00' AS DateTime), CAST('k\\'1\\\\' AS String)) "
                + "ORDER BY `created_at`, `id` LIMIT 1000");
        assertThat(q.parameters(new PollCursor("a", "b"))).as("nothing bound: 18.16 has no query parameters").isEmpty();
        assertThat(PollingQuery.wrap(ClickHouseCursorDialect.INSTANCE, "SELECT 1;")).isEqualTo("(SELECT 1) AS `__dataflow_src`");
    }
}
