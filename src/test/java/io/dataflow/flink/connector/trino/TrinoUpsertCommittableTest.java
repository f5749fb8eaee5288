package io.dataflow.flink.connector.trino;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrinoUpsertCommittableTest {

    private static final List<String> COLUMNS = List.of("id", "name", "note");

    @Test
    void rowsComeBackWithTheirColumnsOrderAndCarriedFlagsIncludingLiteralsBeyondSixtyFourKilobytes() {
        String big = "'" + "é".repeat(70_000) + "'";
        List<TrinoUpsertRow> rows = List.of(
                new TrinoUpsertRow(List.of("BIGINT '1'", "'a'", "NULL"), null),
                new TrinoUpsertRow(List.of("BIGINT '2'", big, "NULL"), new boolean[]{true, true, false}));
        List<byte[]> encoded = TrinoUpsertCommittable.encode(COLUMNS, rows);
        assertThat(encoded).hasSize(1);
        TrinoUpsertCommittable decoded = TrinoUpsertCommittable.decode(encoded.get(0));
        assertThat(decoded.columns()).isEqualTo(COLUMNS);
        assertThat(decoded.rows()).hasSize(2);
        assertThat(decoded.rows().get(0).literals()).isEqualTo(rows.get(0).literals());
        assertThat(decoded.rows().get(0).carried()).isNull();
        assertThat(decoded.rows().get(1).literals()).isEqualTo(rows.get(1).literals());
        assertThat(decoded.rows().get(1).carried()).containsExactly(true, true, false);
    }

    @Test
    void manyRowsAreCutIntoBoundedPiecesThatKeepTheirOrder() {
        List<TrinoUpsertRow> rows = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            rows.add(new TrinoUpsertRow(List.of("BIGINT '" + i + "'", "'" + "x".repeat(1_000) + "'", "NULL"), null));
        }
        List<byte[]> encoded = TrinoUpsertCommittable.encode(COLUMNS, rows);
        assertThat(encoded).hasSizeGreaterThan(1);
        List<String> keys = new ArrayList<>();
        for (byte[] piece : encoded) {
            assertThat(piece.length).isLessThanOrEqualTo(TrinoUpsertCommittable.MAX_BYTES);
            TrinoUpsertCommittable.decode(piece).rows().forEach(r -> keys.add(r.literals().get(0)));
        }
        assertThat(keys).hasSize(3_000).startsWith("BIGINT '0'", "BIGINT '1'").endsWith("BIGINT '2999'");
    }

    @Test
    void aLaterRowOverAnEarlierOneKeepsTheEarlierValuesOfTheColumnsItDoesNotCarry() {
        TrinoUpsertRow earlier = new TrinoUpsertRow(List.of("1", "'first'", "'note'"), new boolean[]{true, true, true});
        TrinoUpsertRow later = new TrinoUpsertRow(List.of("1", "NULL", "'new note'"), new boolean[]{true, false, true});
        TrinoUpsertRow merged = later.over(earlier);
        assertThat(merged.literals()).containsExactly("1", "'first'", "'new note'");
        assertThat(merged.carried()).isNull();
        assertThat(TrinoUpsertRow.partialColumns(List.of(merged, later), 3)).containsExactly(1);
    }

    @Test
    void anUnknownVersionIsRefused() {
        byte[] bytes = TrinoUpsertCommittable.encode(COLUMNS, List.of(new TrinoUpsertRow(List.of("1", "2", "3"), null))).get(0);
        bytes[3] = 9;
        assertThatThrownBy(() -> TrinoUpsertCommittable.decode(bytes)).hasMessageContaining("unknown version 9");
    }
}
