package io.dataflow.flink.connector.postgres.cdc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Change;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Column;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Operation;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Relation;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Tuple;
import io.dataflow.flink.message.Message;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeRecordsTest {

    private static final Relation ORDERS = new Relation(1, "public", "orders", 'd', List.of(
            new Column("id", PgTextValues.INT8, true), new Column("Note", PgTextValues.TEXT, false),
            new Column("secret", PgTextValues.TEXT, false)));

    private static Tuple tuple(String... values) {
        return new Tuple(Arrays.asList(values));
    }

    @Test
    void rowEnvelopeCarriesTheNewRowOrTheOldKeyWithMetadata() {
        ChangeRecords records = new ChangeRecords(false, "id", List.of(), List.of("SECRET"));
        Message insert = records.change(new Change(Operation.INSERT, 1, null, false, tuple("5", "hi", "pw")), ORDERS, "0/10", 1000);
        assertThat(insert.json().toString()).isEqualTo("{\"id\":5,\"Note\":\"hi\"}");
        assertThat(insert.metadata()).containsEntry("table", "public.orders").containsEntry("operation", "insert")
                .containsEntry("lsn", "0/10").containsEntry("id", 5L);
        assertThat(insert.timestamp()).isEqualTo(1000);
        Message delete = records.change(new Change(Operation.DELETE, 1, tuple("5", null, null), true, null), ORDERS, "0/20", 1000);
        assertThat(delete.json().toString()).as("key-only old tuple: the key").isEqualTo("{\"id\":5}");
        assertThat(delete.metadata()).containsEntry("operation", "delete").containsEntry("id", 5L);
    }

    @Test
    void unchangedToastComesFromAFullOldRowOrIsLeftOut() {
        ChangeRecords records = new ChangeRecords(false, "id", List.of(), List.of());
        Tuple after = tuple("5", Tuple.UNCHANGED_TOAST, "x");
        Message keyOnly = records.change(new Change(Operation.UPDATE, 1, null, false, after), ORDERS, "0/1", 0);
        assertThat(keyOnly.json().toString()).isEqualTo("{\"id\":5,\"secret\":\"x\"}");
        Message full = records.change(new Change(Operation.UPDATE, 1, tuple("5", "old note", "y"), false, after), ORDERS, "0/1", 0);
        assertThat(full.json().toString()).isEqualTo("{\"id\":5,\"Note\":\"old note\",\"secret\":\"x\"}");
    }

    @Test
    void debeziumEnvelope() {
        ChangeRecords records = new ChangeRecords(true, "Note", List.of("id", "note"), List.of());
        Message update = records.change(new Change(Operation.UPDATE, 1, tuple("5", "a", "s"), false, tuple("5", "b", "s")), ORDERS, "0/30", 77);
        assertThat(update.json().toString()).isEqualTo("{\"payload\":{\"before\":{\"id\":5,\"Note\":\"a\"},\"after\":{\"id\":5,\"Note\":\"b\"},"
                + "\"op\":\"u\",\"source\":{\"schema\":\"public\",\"table\":\"orders\",\"lsn\":\"0/30\"},\"ts_ms\":77}}");
        assertThat(update.metadata()).containsEntry("id", "b");
        Message snapshot = records.snapshotRow("public", "orders", JsonNodeFactory.instance.objectNode().put("id", 1).put("Note", "n"), "0/5");
        assertThat(snapshot.json().path("payload").path("op").asText()).isEqualTo("r");
        assertThat(snapshot.json().path("payload").path("before").isNull()).isTrue();
        assertThat(snapshot.metadata()).containsEntry("operation", "insert");
    }

    @Test
    void positionsRoundTripAndLsnsPrintAsPostgresDoes() {
        CdcPosition p = CdcPosition.START.withLsn(Lsn.parse("16/B374D848")).withTableDone("public.a");
        assertThat(CdcPosition.fromBytes(p.toBytes())).isEqualTo(p);
        assertThat(Lsn.format(p.lsn())).isEqualTo("16/B374D848");
        assertThat(CdcPosition.fromBytes(p.withSnapshotDone().toBytes()).snapshotDone()).isTrue();
        assertThat(p.withSnapshotDone().tablesDone()).isEmpty();
    }
}
