package io.dataflow.flink.connector.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.RecordRefusedException;
import io.dataflow.flink.message.Message;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decisions of schemaEvolution on an Iceberg schema: which columns to add with which type, what to promote. */
class SchemaFitTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TableAddress TABLE = new TableAddress("shop", "orders");
    private static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "Qty", Types.IntegerType.get()),
            Types.NestedField.optional(3, "price", Types.FloatType.get()),
            Types.NestedField.optional(4, "amount", Types.DecimalType.of(6, 2)),
            Types.NestedField.optional(5, "name", Types.StringType.get()));

    private static SchemaFit fit(String body) throws Exception {
        return SchemaFit.of(SCHEMA, JSON.readTree(body));
    }

    @Test
    void aRecordOfTheTablesColumnsFits() throws Exception {
        assertThat(fit("{\"id\":1,\"qty\":2147483647,\"price\":1.5,\"amount\":9999.99,\"name\":\"x\"}")).isSameAs(SchemaFit.FITS);
        assertThat(fit("{\"id\":1,\"QTY\":\"-2147483648\",\"price\":123456,\"amount\":\"0.10\"}")).isSameAs(SchemaFit.FITS);
        assertThat(fit("[1,2]")).as("not an object: the layout refuses it").isSameAs(SchemaFit.FITS);
    }

    @Test
    void newFieldsBecomeOptionalColumnsTypedAsANewTablesColumns() throws Exception {
        SchemaFit fit = fit("{\"id\":1,\"note\":\"n\",\"count\":3,\"big\":3000000000,\"ratio\":0.5,\"ok\":true,"
                + "\"tags\":[1],\"nothing\":null}");
        assertThat(fit.added()).isEqualTo(Map.of("note", Types.StringType.get(), "count", Types.IntegerType.get(),
                "big", Types.LongType.get(), "ratio", Types.DoubleType.get(), "ok", Types.BooleanType.get(),
                "tags", Types.StringType.get()));
        assertThat(fit.missing()).as("a null field is missing, but adds nothing").contains("nothing").hasSize(7);
        assertThat(fit.needsEvolution()).isTrue();
        assertThat(fit("{\"id\":1,\"nothing\":null}").needsEvolution()).isFalse();
    }

    @Test
    void numbersWiderThanTheirColumnAskForThePromotionIcebergAllows() throws Exception {
        assertThat(fit("{\"qty\":3000000000}").widened()).isEqualTo(Map.of("Qty", Types.LongType.get()));
        assertThat(fit("{\"qty\":\"-3000000000\"}").widened()).isEqualTo(Map.of("Qty", Types.LongType.get()));
        assertThat(fit("{\"price\":3.14159265}").widened()).isEqualTo(Map.of("price", Types.DoubleType.get()));
        assertThat(fit("{\"price\":1e300}").widened()).isEqualTo(Map.of("price", Types.DoubleType.get()));
        assertThat(fit("{\"amount\":1234567.5}").widened()).isEqualTo(Map.of("amount", Types.DecimalType.of(9, 2)));
        // no promotion helps: the column refuses these records, naming itself
        assertThat(fit("{\"qty\":99999999999999999999}")).isSameAs(SchemaFit.FITS);
        assertThat(fit("{\"amount\":1.125}")).as("more places than the scale").isSameAs(SchemaFit.FITS);
        assertThat(fit("{\"id\":99999999999999999999}")).as("long has no wider integer").isSameAs(SchemaFit.FITS);
        assertThat(fit("{\"qty\":\"many\"}")).isSameAs(SchemaFit.FITS);
    }

    @Test
    void failNamesTheFieldAndTheTypeItNeedsNeverTheValue() throws Exception {
        assertThat(fit("{\"id\":1,\"zeta\":1,\"note\":\"secret\"}").refusal(SCHEMA, TABLE))
                .isEqualTo("field note is not a column of shop.orders (schemaEvolution: fail)");
        assertThat(fit("{\"id\":1,\"nothing\":null}").refusal(SCHEMA, TABLE))
                .isEqualTo("field nothing is not a column of shop.orders (schemaEvolution: fail)");
        assertThat(fit("{\"qty\":3000000000}").refusal(SCHEMA, TABLE))
                .isEqualTo("field Qty does not fit column type int of shop.orders, it needs long (schemaEvolution: fail)");
        assertThat(fit("{\"amount\":1234567.5}").refusal(SCHEMA, TABLE)).isEqualTo(
                "field amount does not fit column type decimal(6, 2) of shop.orders, it needs decimal(9, 2) (schemaEvolution: fail)");
    }

    @Test
    void whatAnotherWriterChangedAlreadyIsNotChangedAgain() throws Exception {
        SchemaFit fit = fit("{\"id\":1,\"note\":\"n\",\"qty\":3000000000,\"amount\":1234567.5}");
        Schema evolvedElsewhere = new Schema(
                Types.NestedField.required(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "Qty", Types.LongType.get()),
                Types.NestedField.optional(3, "price", Types.FloatType.get()),
                Types.NestedField.optional(4, "amount", Types.DecimalType.of(12, 2)),
                Types.NestedField.optional(5, "name", Types.StringType.get()),
                Types.NestedField.optional(6, "NOTE", Types.LongType.get()));
        assertThat(fit.remainingFor(evolvedElsewhere).needsEvolution()).isFalse();
        SchemaFit partly = fit.remainingFor(SCHEMA);
        assertThat(partly.added()).isEqualTo(Map.of("note", Types.StringType.get()));
        assertThat(partly.widened()).isEqualTo(Map.of("Qty", Types.LongType.get(), "amount", Types.DecimalType.of(9, 2)));
    }

    @Test
    void valuesNoPromotionHelpsAreRefusedByTheColumnNamingIt() throws Exception {
        SinkRecords records = new SinkRecords(SCHEMA, TableLayout.COLUMNAR, "");
        assertThatThrownBy(() -> records.toRecord(Message.of("{\"id\":1,\"qty\":3000000000}")))
                .isInstanceOf(RecordRefusedException.class).hasMessageStartingWith("column Qty (int): out of the range of int");
        assertThatThrownBy(() -> records.toRecord(Message.of("{\"id\":1,\"amount\":1.125}")))
                .isInstanceOf(RecordRefusedException.class).hasMessageStartingWith("column amount (decimal(6, 2)): more than 2 decimal places");
        assertThatThrownBy(() -> records.toRecord(Message.of("{\"id\":1,\"amount\":12345.5}")))
                .isInstanceOf(RecordRefusedException.class).hasMessageStartingWith("column amount (decimal(6, 2)): more than 6 digits");
        JsonNode ok = JSON.readTree("{\"id\":1,\"amount\":1234.5}");
        assertThat(records.toRecord(Message.of(ok.toString())).getField("amount")).hasToString("1234.50");
    }
}
