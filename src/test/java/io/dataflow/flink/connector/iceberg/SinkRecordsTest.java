package io.dataflow.flink.connector.iceberg;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.RecordRefusedException;
import io.dataflow.flink.message.Message;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SinkRecordsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Message kafkaMessage(String body) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("topic", "orders");
        metadata.put("partition", 2);
        metadata.put("offset", 41L);
        metadata.put("timestamp", Instant.parse("2026-01-02T03:04:05Z"));
        return new Message(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), metadata, 0);
    }

    @Test
    void dataLayoutStoresTheWholeBody() throws Exception {
        Schema schema = SinkRecords.newTableSchema(TableLayout.DATA, "", null);
        assertThat(schema.columns()).extracting(Types.NestedField::name).containsExactly("data");
        Record r = new SinkRecords(schema, TableLayout.DATA, "").toRecord(kafkaMessage("not json at all"));
        assertThat(r.getField("data")).isEqualTo("not json at all");
    }

    @Test
    void rawLayoutSplitsWrappedBodiesAndOtherwiseStoresTheMessageMetadata() throws Exception {
        Schema schema = SinkRecords.newTableSchema(TableLayout.RAW, "", null);
        SinkRecords records = new SinkRecords(schema, TableLayout.RAW, "");
        Record plain = records.toRecord(kafkaMessage("{\"id\":1}"));
        assertThat(plain.getField("data")).isEqualTo("{\"id\":1}");
        assertThat(JSON.readTree((String) plain.getField("_metadata")).get("offset").asLong()).isEqualTo(41);
        assertThat(JSON.readTree((String) plain.getField("_metadata")).get("timestamp").asText()).isEqualTo("2026-01-02T03:04:05Z");
        Record wrapped = records.toRecord(kafkaMessage("{\"value\":{\"id\":2},\"_metadata\":{\"k\":\"v\"}}"));
        assertThat(wrapped.getField("data")).isEqualTo("{\"id\":2}");
        assertThat(wrapped.getField("_metadata")).isEqualTo("{\"k\":\"v\"}");
        Record threeKeys = records.toRecord(kafkaMessage("{\"value\":1,\"_metadata\":{},\"other\":3}"));
        assertThat(threeKeys.getField("data")).as("more than two keys: not a wrapper").isEqualTo("{\"value\":1,\"_metadata\":{},\"other\":3}");
    }

    @Test
    void flattenedLayoutTypesColumnsFromTheFirstRecordAndSkipsUnknownKeys() throws Exception {
        Message first = kafkaMessage("{\"id\":1}");
        Schema schema = SinkRecords.newTableSchema(TableLayout.FLATTENED, "kafka_", first);
        assertThat(schema.columns()).extracting(f -> f.name() + ":" + f.type())
                .containsExactly("data:string", "kafka_topic:string", "kafka_partition:int", "kafka_offset:long", "kafka_timestamp:string");
        SinkRecords records = new SinkRecords(schema, TableLayout.FLATTENED, "kafka_");
        Message later = kafkaMessage("{\"id\":2}").putMetadata("unknown", "x");
        Record r = records.toRecord(later);
        assertThat(r.getField("kafka_partition")).isEqualTo(2);
        assertThat(r.getField("kafka_offset")).isEqualTo(41L);
        assertThat(r.getField("kafka_timestamp")).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(r.getField("data")).isEqualTo("{\"id\":2}");
    }

    @Test
    void columnarLayoutMapsFieldsByNameAndRejectsValuesAColumnCannotHold() throws Exception {
        Schema schema = new Schema(
                Types.NestedField.required(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "Amount", Types.DecimalType.of(10, 2)),
                Types.NestedField.optional(3, "at", Types.TimestampType.withZone()),
                Types.NestedField.optional(4, "tags", Types.StringType.get()),
                Types.NestedField.optional(5, "ok", Types.BooleanType.get()));
        SinkRecords records = new SinkRecords(schema, TableLayout.COLUMNAR, "");
        Record r = records.toRecord(kafkaMessage("{\"id\":\"7\",\"amount\":1.5,\"at\":\"2026-01-02T03:04:05+01:00\",\"tags\":[\"a\"],\"ok\":true,\"extra\":1}"));
        assertThat(r.getField("id")).isEqualTo(7L);
        assertThat(r.getField("Amount")).isEqualTo(new BigDecimal("1.50"));
        assertThat(r.getField("at")).isEqualTo(OffsetDateTime.of(2026, 1, 2, 2, 4, 5, 0, ZoneOffset.UTC));
        assertThat(r.getField("tags")).isEqualTo("[\"a\"]");
        assertThatThrownBy(() -> records.toRecord(kafkaMessage("{\"id\":\"x\"}")))
                .isInstanceOf(RecordRefusedException.class).hasMessageContaining("column id").hasMessageContaining("not an integer");
        assertThatThrownBy(() -> records.toRecord(kafkaMessage("{\"amount\":1}")))
                .isInstanceOf(RecordRefusedException.class).hasMessageContaining("column id is required");
        assertThatThrownBy(() -> records.toRecord(kafkaMessage("[1]")))
                .isInstanceOf(RecordRefusedException.class).hasMessageContaining("not a JSON object");
        // the first field matching a column (in body order, case-insensitively) wins; records share no values
        Record first = records.toRecord(kafkaMessage("{\"ID\":8,\"id\":9,\"AMOUNT\":2,\"amount\":3}"));
        assertThat(first.getField("id")).isEqualTo(8L);
        assertThat(first.getField("Amount")).isEqualTo(new BigDecimal("2.00"));
        Record next = records.toRecord(kafkaMessage("{\"id\":10}"));
        assertThat(next.getField("id")).isEqualTo(10L);
        assertThat(next.getField("Amount")).isNull();
        assertThat(next.getField("tags")).isNull();
    }

    @Test
    void pendingCommitsAndSourcePositionsSurviveTheirEncoding() {
        PendingCommit commit = new PendingCommit("user-1", 42, new byte[] {1, 2, 3});
        PendingCommit back = PendingCommit.decode(commit.encode());
        assertThat(back.commitUser()).isEqualTo("user-1");
        assertThat(back.checkpointId()).isEqualTo(42);
        assertThat(back.manifest()).containsExactly(1, 2, 3);

        SourcePosition position = SourcePosition.START.startReading(-3L, true).emitted(7);
        assertThat(SourcePosition.decode(position.encode(new TableAddress("a", "t")))).isEqualTo(position);
        assertThat(new String(position.encode(new TableAddress("a", "t")))).contains("\"currentSnapshotID\":\"18446744073709551613\"");
        SourcePosition done = position.finished(9);
        assertThat(done.lastSnapshotId()).isEqualTo(-3L);
        assertThat(done.lastSequence()).isEqualTo(9);
        assertThat(done.reading()).isFalse();
    }

    @Test
    void rowsBecomeJson() {
        Types.StructType struct = Types.StructType.of(
                Types.NestedField.optional(1, "s", Types.StringType.get()),
                Types.NestedField.optional(2, "ts", Types.TimestampType.withZone()),
                Types.NestedField.optional(3, "n", Types.IntegerType.get()),
                Types.NestedField.optional(4, "l", Types.ListType.ofOptional(5, Types.LongType.get())));
        org.apache.iceberg.data.GenericRecord r = org.apache.iceberg.data.GenericRecord.create(struct);
        r.setField("s", "x");
        r.setField("ts", OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)));
        r.setField("l", java.util.List.of(1L, 2L));
        assertThat(IcebergRecordJson.toJson(r, struct)).hasToString("{\"s\":\"x\",\"ts\":\"2026-01-02T01:04:05Z\",\"n\":null,\"l\":[1,2]}");
    }
}
