package io.dataflow.flink.connector.trino;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TrinoStatementsTest {

    private static final TrinoTableName TABLE = new TrinoTableName("iceberg_lake", "analytics", "events \"x\"");

    @Test
    void insertQuotesEveryIdentifierAndListsTheRows() {
        assertThat(TrinoStatements.insert(TABLE, List.of("id", "name"), List.of(List.of("1", "'a'"), List.of("2", "'b'"))))
                .isEqualTo("INSERT INTO \"iceberg_lake\".\"analytics\".\"events \"\"x\"\"\" (\"id\", \"name\") VALUES (1, 'a'), (2, 'b')");
    }

    @Test
    void mergeMatchesOnTheKeyUpdatesTheOtherColumnsAndInsertsTheRest() {
        assertThat(TrinoStatements.merge(TABLE, List.of("event_id", "name", "amount"), "event_id",
                List.of(List.of("CAST(1 AS bigint)", "'a'", "CAST(NULL AS decimal(10,2))"))))
                .isEqualTo("MERGE INTO \"iceberg_lake\".\"analytics\".\"events \"\"x\"\"\" AS target USING (VALUES "
                        + "(CAST(1 AS bigint), 'a', CAST(NULL AS decimal(10,2)))) AS source(\"event_id\", \"name\", \"amount\") "
                        + "ON target.\"event_id\" = source.\"event_id\" "
                        + "WHEN MATCHED THEN UPDATE SET \"name\" = source.\"name\", \"amount\" = source.\"amount\" "
                        + "WHEN NOT MATCHED THEN INSERT (\"event_id\", \"name\", \"amount\") "
                        + "VALUES (source.\"event_id\", source.\"name\", source.\"amount\")");
        assertThat(TrinoStatements.merge(TABLE, List.of("k"), "k", List.of(List.of("1"))))
                .as("a key-only table has nothing to update").doesNotContain("WHEN MATCHED");
    }

    @Test
    void aColumnSomeRecordsDoNotCarryKeepsTheMatchedRowsValueForThem() {
        assertThat(TrinoStatements.merge(TABLE, List.of("k", "name", "note"), "k", List.of(2),
                List.of(List.of("1", "'a'", "CAST(NULL AS varchar)", "FALSE"), List.of("2", "'b'", "'n'", "TRUE"))))
                .contains("USING (VALUES (1, 'a', CAST(NULL AS varchar), FALSE), (2, 'b', 'n', TRUE)) "
                        + "AS source(\"k\", \"name\", \"note\", \"$dataflow_carries_2\")")
                .contains("UPDATE SET \"name\" = source.\"name\", \"note\" = CASE WHEN source.\"$dataflow_carries_2\" "
                        + "THEN source.\"note\" ELSE target.\"note\" END WHEN NOT MATCHED")
                .endsWith("VALUES (source.\"k\", source.\"name\", source.\"note\")");
    }

    @Test
    void rawTablesAreOrcOnlyWhereTheCatalogHasAFormatProperty() {
        assertThat(TrinoStatements.createRawTable(TABLE, true)).endsWith("(\"data\" VARCHAR, \"_metadata\" VARCHAR) WITH (format = 'ORC')");
        assertThat(TrinoStatements.createRawTable(TABLE, false)).endsWith("(\"data\" VARCHAR, \"_metadata\" VARCHAR)");
        assertThat(TrinoStatements.createFlattenedTable(TABLE, List.of("meta_topic", "meta_\"p"), false))
                .endsWith("(\"data\" VARCHAR, \"meta_topic\" VARCHAR, \"meta_\"\"p\" VARCHAR)");
    }

    @Test
    void rowsAreSplitSoNoStatementExceedsTrinosLengthLimit() {
        String big = "'" + "x".repeat(100_000) + "'";
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            rows.add(List.of(String.valueOf(i), big));
        }
        List<List<List<String>>> chunks = TrinoStatements.chunks(rows);
        assertThat(chunks).as("eight rows of 100 000 characters per statement").hasSize(4);
        assertThat(chunks.stream().mapToInt(List::size).sum()).isEqualTo(25);
        for (List<List<String>> chunk : chunks) {
            assertThat(TrinoStatements.insert(TABLE, List.of("id", "v"), chunk).length()).isLessThan(1_000_000);
        }
        assertThat(TrinoStatements.chunks(List.of(List.of("'" + "y".repeat(2_000_000) + "'")))).as("one huge row stays alone").hasSize(1);
    }
}
