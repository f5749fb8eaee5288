package io.dataflow.flink.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.jdbc.core.datastream.source.JdbcSource;
import org.apache.flink.connector.jdbc.core.datastream.source.reader.extractor.ResultExtractor;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Peer for postgres-to-kafka: the official JdbcSource (flink-connector-jdbc 3.3.0-1.20, one split: the whole
 * query, read with a fetch size of 10 000) turning each row into the same JSON object with Jackson, into the
 * official KafkaSink (at-least-once, snappy like the DataFlow sink's default). Args: JDBC_URL TABLE BROKERS OUT_TOPIC PARALLELISM
 */
public final class PeerPostgresToKafka {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String jdbcUrl = args[0];
        String table = args[1];
        String brokers = args[2];
        String outTopic = args[3];
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(Integer.parseInt(args[4]));
        env.getConfig().enableObjectReuse();
        env.enableCheckpointing(10_000);
        JdbcSource<String> source = JdbcSource.<String>builder()
                .setDBUrl(jdbcUrl).setDriverName("org.postgresql.Driver").setUsername("postgres")
                .setSql("SELECT id, user_id, status, amount, email, country, payload FROM " + table + " ORDER BY id")
                // PostgreSQL streams a result set only inside a transaction with a fetch size; otherwise it buffers all rows
                .setAutoCommit(false).setResultSetFetchSize(10_000)
                .setResultExtractor((ResultExtractor<String>) PeerPostgresToKafka::toJson)
                .setTypeInformation(Types.STRING)
                .build();
        Properties producer = new Properties();
        producer.setProperty("compression.type", "snappy");
        KafkaSink<String> sink = KafkaSink.<String>builder().setBootstrapServers(brokers).setKafkaProducerConfig(producer)
                .setRecordSerializer(KafkaRecordSerializationSchema.builder().setTopic(outTopic).setValueSerializationSchema(new SimpleStringSchema()).build())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "jdbc").sinkTo(sink);
        JobExecutionResult result = env.execute("peer-postgres-to-kafka");
        BenchReport.print(-1, result.getNetRuntime());
    }

    private static String toJson(ResultSet rs) throws SQLException {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", rs.getLong(1));
        row.put("user_id", rs.getLong(2));
        row.put("status", rs.getString(3));
        row.put("amount", rs.getBigDecimal(4));
        row.put("email", rs.getString(5));
        row.put("country", rs.getString(6));
        row.put("payload", rs.getString(7));
        try {
            return JSON.writeValueAsString(row);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("cannot encode row " + rs.getLong(1), e);
        }
    }
}
