package io.dataflow.flink.testing;

import io.dataflow.flink.testing.SourceRecords.Row;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The comparisons the reliability tests assert with see every way a target can differ from its source. */
class SourceRecordsTest {

    private final SourceRecords source = SourceRecords.versions(12, 3, 4);

    private List<Row> lastValues() {
        List<Row> rows = new ArrayList<>();
        for (long id = 0; id < 4; id++) {
            rows.add(new Row(id, "value " + id + " v2"));
        }
        return rows;
    }

    @Test
    void versionsUpdateEveryKeyInTurn() {
        assertThat(source.keys()).isEqualTo(4);
        assertThat(source.json(5)).isEqualTo("{\"id\":1,\"v\":\"value 1 v1\"}");
        assertThat(source.kafkaKey(5)).isEqualTo("k-1");
        assertThat(source.compareLastValues(lastValues()).matches()).isTrue();
    }

    @Test
    void theChecksumIsTheTextPostgresHashes() {
        // SELECT md5(E'0\tvalue 0 v2\n1\tvalue 1 v2\n2\tvalue 2 v2\n3\tvalue 3 v2') on PostgreSQL
        assertThat(source.lastValuesChecksum()).isEqualTo(SourceRecords.checksum(lastValues()))
                .isEqualTo("be63c75b8ea951c4ddd01233b1348226");
    }

    @Test
    void anOlderVersionOverTheLastIsSeen() {
        List<Row> rows = lastValues();
        rows.set(2, new Row(2, "value 2 v1"));
        var comparison = source.compareLastValues(rows);
        assertThat(comparison.matches()).isFalse();
        assertThat(comparison.wrongValues()).isEqualTo(1);
        assertThat(comparison.targetChecksum()).isNotEqualTo(comparison.sourceChecksum());
    }

    @Test
    void aMissingKeyAnUnknownKeyAndASecondRowOfAKeyAreSeen() {
        List<Row> rows = lastValues();
        rows.remove(3);
        assertThat(source.compareLastValues(rows).missingKeys()).isEqualTo(1);
        rows.add(new Row(9, "value 9 v0"));
        assertThat(source.compareLastValues(rows).unexpectedKeys()).isEqualTo(1);
        List<Row> twice = lastValues();
        twice.add(new Row(0, "value 0 v2"));
        var comparison = source.compareLastValues(twice);
        assertThat(comparison.matches()).isFalse();
        assertThat(comparison.extraRows()).isEqualTo(1);
    }

    @Test
    void appendedRecordsLostDuplicatedOrNeverProducedAreCounted() {
        List<Row> all = new ArrayList<>();
        for (int i = 0; i < source.size(); i++) {
            all.add(source.get(i));
        }
        assertThat(source.compareAppended(all)).extracting("lost", "duplicates", "unexpected").containsExactly(0L, 0L, 0L);
        all.remove(7);
        all.add(source.get(0));
        all.add(new Row(1, "value 1 v9"));
        assertThat(source.compareAppended(all)).extracting("lost", "duplicates", "unexpected").containsExactly(1L, 1L, 1L);
    }

    @Test
    void parsesTheRecordsOfEveryTarget() {
        assertThat(SourceRecords.parseJson("{\"id\": \"17\", \"v\": \"value 17 v3\", \"other\": 1}")).isEqualTo(new Row(17, "value 17 v3"));
    }
}
