package io.dataflow.flink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.math.BigDecimal;

/**
 * The peer contender: the same job written with the official connectors (KafkaSource → Jackson → JdbcSink,
 * at-least-once with its recommended batching), same parallelism and column mapping as the DataFlow manifest.
 * Args: BROKERS TOPIC JDBC_URL TABLE PARALLELISM UPSERT(true|false)
 */
public final class PeerKafkaToPostgres {

    public static void main(String[] args) throws Exception {
        String brokers = args[0];
        String topic = args[1];
        String jdbcUrl = args[2];
        String table = args[3];
        int parallelism = Integer.parseInt(args[4]);
        boolean upsert = Boolean.parseBoolean(args[5]);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        // Tuned like a careful user would: no defensive copies between chained operators (JsonNode is a Kryo type).
        env.getConfig().enableObjectReuse();
        env.enableCheckpointing(10_000);
        KafkaSource<String> source = KafkaSource.<String>builder()
                .setBootstrapServers(brokers).setTopics(topic).setGroupId("peer-" + table)
                .setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest())
                .setValueOnlyDeserializer(new SimpleStringSchema()).build();
        String sql = "INSERT INTO " + table + " (id, user_id, status, amount, email, country, payload) VALUES (?,?,?,?,?,?,?)"
                + (upsert ? " ON CONFLICT (id) DO UPDATE SET user_id = EXCLUDED.user_id, status = EXCLUDED.status, amount = EXCLUDED.amount, "
                + "email = EXCLUDED.email, country = EXCLUDED.country, payload = EXCLUDED.payload" : "");
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka")
                .map(PeerKafkaToPostgres::parse)
                .sinkTo(JdbcSink.<JsonNode>builder()
                        .withQueryStatement(sql, (ps, e) -> {
                            ps.setLong(1, e.get("id").asLong());
                            ps.setLong(2, e.get("user_id").asLong());
                            ps.setString(3, e.get("status").asText());
                            ps.setBigDecimal(4, new BigDecimal(e.get("amount").asText()));
                            ps.setString(5, e.get("email").asText());
                            ps.setString(6, e.get("country").asText());
                            ps.setString(7, e.get("payload").asText());
                        })
                        .withExecutionOptions(JdbcExecutionOptions.builder().withBatchSize(5000).withBatchIntervalMs(1000).withMaxRetries(3).build())
                        .buildAtLeastOnce(new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                                .withUrl(jdbcUrl).withDriverName("org.postgresql.Driver").withUsername("postgres").build()));
        JobExecutionResult result = env.execute("peer-kafka-to-postgres");
        BenchReport.print(-1, result.getNetRuntime());
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode parse(String value) throws Exception {
        return JSON.readTree(value);
    }
}
