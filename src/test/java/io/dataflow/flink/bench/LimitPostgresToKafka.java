package io.dataflow.flink.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

/**
 * Limit for postgres-to-kafka: PgJDBC reads the table in id order through a server-side cursor (fetch size
 * 10 000, autocommit off), each row becomes a JSON object with Jackson's streaming generator, and a kafka-clients
 * producer (snappy, like the DataFlow sink's default) sends it. One reader, as the DataFlow polling source has
 * one cursor; the producer sends on its own I/O thread. Args: JDBC_URL TABLE BROKERS OUT_TOPIC
 */
public final class LimitPostgresToKafka {

    public static void main(String[] args) throws Exception {
        String jdbcUrl = args[0];
        String table = args[1];
        String brokers = args[2];
        String outTopic = args[3];
        long start = System.nanoTime();
        long sent = 0;
        JsonFactory json = new JsonFactory();
        ByteArrayOutputStream buf = new ByteArrayOutputStream(2048);
        try (Connection pg = DriverManager.getConnection(jdbcUrl, "postgres", "");
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", brokers, "linger.ms", 5,
                     "batch.size", 512 * 1024, "compression.type", "snappy"), new ByteArraySerializer(), new ByteArraySerializer())) {
            pg.setAutoCommit(false);
            try (Statement st = pg.createStatement()) {
                st.setFetchSize(10_000);
                try (ResultSet rs = st.executeQuery("SELECT id, user_id, status, amount, email, country, payload FROM " + table + " ORDER BY id")) {
                    while (rs.next()) {
                        buf.reset();
                        try (JsonGenerator g = json.createGenerator(buf)) {
                            g.writeStartObject();
                            g.writeNumberField("id", rs.getLong(1));
                            g.writeNumberField("user_id", rs.getLong(2));
                            g.writeStringField("status", rs.getString(3));
                            g.writeNumberField("amount", rs.getBigDecimal(4));
                            g.writeStringField("email", rs.getString(5));
                            g.writeStringField("country", rs.getString(6));
                            g.writeStringField("payload", rs.getString(7));
                            g.writeEndObject();
                        }
                        producer.send(new ProducerRecord<>(outTopic, Long.toString(rs.getLong(1)).getBytes(StandardCharsets.UTF_8), buf.toByteArray()));
                        sent++;
                    }
                }
            }
            pg.commit();
            producer.flush();
        }
        BenchReport.print(sent, (System.nanoTime() - start) / 1_000_000);
    }
}
