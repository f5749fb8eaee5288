package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ValidationErrors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroPayloadDecoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaConnectorFactory factory = new KafkaConnectorFactory();

    /** {@code fields}: JSON object members with ' for " (none of the values here contains a '). */
    private ConfigValues source(String fields, ValidationErrors errors) throws Exception {
        return source(fields, null, errors);
    }

    /** As above, plus an avroSchema member whose text is given as is. */
    private ConfigValues source(String fields, String avroSchema, ValidationErrors errors) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(fields.replace('\'', '"'));
        if (avroSchema != null) {
            node.put("avroSchema", avroSchema);
        }
        ConfigValues config = io.dataflow.flink.config.ConfigValidator.validate("source.config", node, factory.sourceOptions(), errors);
        factory.validateSource(config, errors);
        return config;
    }

    private List<String> errors(String json) throws Exception {
        return errors(json, null);
    }

    private List<String> errors(String json, String avroSchema) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        source(json, avroSchema, errors);
        return errors.list().stream().map(ValidationErrors.Error::toString).toList();
    }

    @Test
    void staticSchemaDecodesToTheOriginalsJson() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues config = source("{'brokers':'a:1','topic':'t','format':'avro'}", AvroTesting.ORDER_SCHEMA, errors);
        assertThat(errors.list()).isEmpty();
        AvroPayloadDecoder decoder = AvroPayloadDecoder.of(config);

        JsonNode even = JSON.readTree(decoder.decode(AvroTesting.binary(AvroTesting.order(4), AvroTesting.orderSchema())));
        assertThat(even.toString()).isEqualTo("{\"id\":4,\"customer\":\"customer 4\",\"note\":{\"string\":\"note 4\"},\"tags\":null,"
                + "\"status\":\"NEW\",\"attrs\":{\"qty\":4},\"raw\":\"AQIE\",\"at\":\"2023-11-14T22:13:20.004Z\",\"price\":\"20.03\",\"score\":1.0}");
        JsonNode odd = JSON.readTree(decoder.decode(AvroTesting.binary(AvroTesting.order(5), AvroTesting.orderSchema())));
        assertThat(odd.get("note").isNull()).isTrue();
        assertThat(odd.get("tags").toString()).as("{\"array\": [...]} normalised to the array").isEqualTo("[\"a\",\"b5\"]");
        assertThat(odd.get("status").asText()).isEqualTo("PAID");
    }

    @Test
    void undecodableValuesAreRejectedWithAReason() throws Exception {
        AvroPayloadDecoder decoder = new AvroPayloadDecoder(AvroTesting.orderSchema(), null);
        assertThatThrownBy(() -> decoder.decode("{\"id\":1}".getBytes()))
                .isInstanceOf(AvroPayloadDecoder.UndecodableException.class).hasMessageContaining("cannot decode Avro with schema shop.Order");
        assertThatThrownBy(() -> decoder.decode(new byte[0])).hasMessageContaining("empty value");
        byte[] valid = AvroTesting.binary(AvroTesting.order(1), AvroTesting.orderSchema());
        byte[] longer = java.util.Arrays.copyOf(valid, valid.length + 3);
        assertThatThrownBy(() -> decoder.decode(longer)).hasMessageContaining("bytes left after decoding");
        AvroPayloadDecoder registryOnly = new AvroPayloadDecoder(null, null);
        assertThatThrownBy(() -> registryOnly.decode(valid)).hasMessageContaining("not in the Confluent wire format");
    }

    @Test
    void schemaFileIsReadAndAvroFieldsAreValidated(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("order.avsc");
        Files.writeString(file, AvroTesting.ORDER_SCHEMA);
        ValidationErrors errors = new ValidationErrors();
        ConfigValues config = source("{'brokers':'a:1','topic':'t','format':'avro','avroSchemaFile':'" + file + "'}", errors);
        assertThat(errors.list()).isEmpty();
        assertThat(JSON.readTree(AvroPayloadDecoder.of(config).decode(AvroTesting.binary(AvroTesting.order(2), AvroTesting.orderSchema())))
                .get("id").asLong()).isEqualTo(2);

        assertThat(errors("{'brokers':'a:1','topic':'t','format':'avro'}")).containsExactly(
                "source.config.format: avro needs schemaRegistry, avroSchema (avroSchemaSecretRef) or avroSchemaFile");
        assertThat(errors("{'brokers':'a:1','topic':'t','format':'avro'}", "{\"type\":\"nope\"}")).singleElement().asString()
                .startsWith("source.config.avroSchema: not a valid Avro schema: ");
        assertThat(errors("{'brokers':'a:1','topic':'t','format':'avro','avroSchemaFile':'/x'}", "\"long\"")).containsExactly(
                "source.config.avroSchemaFile: set either avroSchema (avroSchemaSecretRef) or avroSchemaFile, not both");
        assertThat(errors("{'brokers':'a:1','topic':'t','format':'avro','schemaRegistry':{'url':'registry:8081'}}")).containsExactly(
                "source.config.schemaRegistry.url: must be an http:// or https:// URL");
        assertThat(errors("{'brokers':'a:1','topic':'t','format':'avro','schemaRegistry':{'url':'http://r:8081','basicAuth':{'username':'u'}}}"))
                .containsExactly("source.config.schemaRegistry.basicAuth.password: required (or passwordSecretRef)");
        ValidationErrors missing = new ValidationErrors();
        ConfigValues missingFile = source("{'brokers':'a:1','topic':'t','format':'avro','avroSchemaFile':'" + dir.resolve("none.avsc") + "'}", missing);
        assertThatThrownBy(() -> AvroPayloadDecoder.of(missingFile)).hasMessageStartingWith("source.config.avroSchemaFile: cannot read ");
    }
}
