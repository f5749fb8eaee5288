package io.dataflow.flink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.iceberg.IcebergHadoop;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;
import org.apache.iceberg.nessie.NessieCatalog;

import java.math.RoundingMode;

/**
 * Peer for kafka-to-nessie: official KafkaSource → Jackson → Flink {@link RowData} of the table's columns → Iceberg's
 * own Flink sink ({@link FlinkSink} from iceberg-flink-1.20, append, one commit per checkpoint by its committer
 * operator) into the same Nessie table. Checkpoints every 5 s, as the DataFlow manifest.
 * Args: BROKERS TOPIC NESSIE_URL WAREHOUSE NAMESPACE TABLE PARALLELISM
 */
public final class PeerKafkaToNessie {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(Integer.parseInt(args[6]));
        env.getConfig().enableObjectReuse();
        env.enableCheckpointing(5_000);
        KafkaSource<String> source = KafkaSource.<String>builder()
                .setBootstrapServers(args[0]).setTopics(args[1]).setGroupId("peer-" + args[5])
                .setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest())
                .setValueOnlyDeserializer(new SimpleStringSchema()).build();
        CatalogLoader catalog = CatalogLoader.custom("nessie", BenchNessie.catalogProperties(args[2], args[3]),
                IcebergHadoop.configuration(), NessieCatalog.class.getName());
        FlinkSink.forRowData(env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka")
                        .map(PeerKafkaToNessie::toRow)
                        .returns(InternalTypeInfo.of(FlinkSchemaUtil.convert(BenchNessie.SCHEMA))))
                .tableLoader(TableLoader.fromCatalog(catalog, TableIdentifier.of(args[4], args[5])))
                .append();
        JobExecutionResult result = env.execute("peer-kafka-to-nessie");
        BenchReport.print(-1, result.getNetRuntime());
    }

    private static RowData toRow(String value) throws Exception {
        JsonNode e = JSON.readTree(value);
        return GenericRowData.of(e.get("id").asLong(), e.get("user_id").asLong(), StringData.fromString(e.get("status").asText()),
                DecimalData.fromBigDecimal(e.get("amount").decimalValue().setScale(2, RoundingMode.HALF_UP), 10, 2),
                StringData.fromString(e.get("email").asText()), StringData.fromString(e.get("country").asText()),
                StringData.fromString(e.get("payload").asText()));
    }
}
