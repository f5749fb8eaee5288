package io.dataflow.flink.connector.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresIdentifiersTest {

    @Test
    void quotingDoublesQuotesAndKeepsEverythingElse() {
        assertThat(PostgresIdentifiers.quote("orders")).isEqualTo("\"orders\"");
        assertThat(PostgresIdentifiers.quote("Order Lines")).isEqualTo("\"Order Lines\"");
        assertThat(PostgresIdentifiers.quote("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(PostgresIdentifiers.quote("x\"; DROP TABLE t; --")).isEqualTo("\"x\"\"; DROP TABLE t; --\"");
        assertThat(PostgresIdentifiers.quote("заказы")).isEqualTo("\"заказы\"");
        assertThatThrownBy(() -> PostgresIdentifiers.quote("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> PostgresIdentifiers.quote("a\0b")).hasMessageContaining("NUL");
    }

    @Test
    void tableWithoutSchemaIsInPublic() {
        assertThat(PostgresIdentifiers.parseTable("orders")).isEqualTo(new PostgresTableName("public", "orders"));
        assertThat(PostgresIdentifiers.parseTable("orders").qualified()).isEqualTo("\"public\".\"orders\"");
    }

    @Test
    void schemaTableSplitsOnTheLastDot() {
        assertThat(PostgresIdentifiers.parseTable("sales.orders")).isEqualTo(new PostgresTableName("sales", "orders"));
        assertThat(PostgresIdentifiers.parseTable("a.b.c")).isEqualTo(new PostgresTableName("a.b", "c"));
        assertThat(PostgresIdentifiers.parseTable("Sales.Orders")).isEqualTo(new PostgresTableName("Sales", "Orders"));
        assertThat(PostgresIdentifiers.parseTable("данные.заказы")).isEqualTo(new PostgresTableName("данные", "заказы"));
    }

    @Test
    void quotedPartsMayHoldDotsAndQuotes() {
        assertThat(PostgresIdentifiers.parseTable("\"my.schema\".\"a\"\"b.c\""))
                .isEqualTo(new PostgresTableName("my.schema", "a\"b.c"));
        assertThat(PostgresIdentifiers.parseTable("sales.\"Order; Lines\""))
                .isEqualTo(new PostgresTableName("sales", "Order; Lines"));
        assertThat(PostgresIdentifiers.parseTable("\"only\"")).isEqualTo(new PostgresTableName("public", "only"));
        assertThat(new PostgresTableName("my.schema", "a\"b").qualified()).isEqualTo("\"my.schema\".\"a\"\"b\"");
    }

    @Test
    void malformedNamesAreRejected() {
        assertThatThrownBy(() -> PostgresIdentifiers.parseTable("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> PostgresIdentifiers.parseTable("sales.")).hasMessageContaining("empty part");
        assertThatThrownBy(() -> PostgresIdentifiers.parseTable(".orders")).hasMessageContaining("empty part");
        assertThatThrownBy(() -> PostgresIdentifiers.parseTable("\"open.orders")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> PostgresIdentifiers.parseTable("\"a\".\"b\".\"c\"")).hasMessageContaining("3 parts");
        assertThatThrownBy(() -> PostgresIdentifiers.parseTable("\"a\"x")).hasMessageContaining("after a closing");
        assertThatThrownBy(() -> PostgresIdentifiers.parseTable("\"\".t")).hasMessageContaining("empty quoted");
    }
}
