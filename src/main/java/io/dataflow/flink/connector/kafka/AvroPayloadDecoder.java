package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.config.ConfigValues;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code format: avro}: turns a record value into JSON bytes as the original does (docs/ORIGINAL.md#kafka). With a
 * {@code schemaRegistry}, a value in the Confluent wire format (byte 0 = 0, then a big-endian 4-byte schema id, then
 * the Avro body) is decoded with that schema; any other value — and every value without a registry — with the static
 * schema ({@code avroSchema}, {@code avroSchemaFile}). A value that cannot be decoded throws
 * {@link UndecodableException} with the reason; the source turns it into a refused record, never a failure.
 */
final class AvroPayloadDecoder {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIRE_HEADER = 5;

    private final Schema staticSchema;
    private final SchemaRegistryClient registry;
    private final Map<Schema, GenericDatumReader<Object>> readers = new ConcurrentHashMap<>();
    private BinaryDecoder reuse;

    AvroPayloadDecoder(Schema staticSchema, SchemaRegistryClient registry) {
        this.staticSchema = staticSchema;
        this.registry = registry;
    }

    /** The decoder of a validated source config, or null for format json. Reads avroSchemaFile now. */
    static AvroPayloadDecoder of(ConfigValues config) {
        if (!"avro".equals(config.get(KafkaOptions.FORMAT))) {
            return null;
        }
        Schema schema = null;
        if (config.has(KafkaOptions.AVRO_SCHEMA)) {
            schema = parseSchema(config.get(KafkaOptions.AVRO_SCHEMA));
        } else if (config.has(KafkaOptions.AVRO_SCHEMA_FILE)) {
            Path file = Path.of(config.get(KafkaOptions.AVRO_SCHEMA_FILE));
            try {
                schema = parseSchema(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalArgumentException(config.pathOf(KafkaOptions.AVRO_SCHEMA_FILE) + ": cannot read " + file
                        + " (" + e.getClass().getSimpleName() + ")", e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(config.pathOf(KafkaOptions.AVRO_SCHEMA_FILE) + ": " + e.getMessage(), e);
            }
        }
        SchemaRegistryClient registry = config.has(KafkaOptions.SCHEMA_REGISTRY)
                ? new SchemaRegistryClient(config.get(KafkaOptions.SCHEMA_REGISTRY)) : null;
        return new AvroPayloadDecoder(schema, registry);
    }

    /** @throws IllegalArgumentException naming what is wrong with the schema text */
    static Schema parseSchema(String text) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException | NullPointerException e) {
            throw new IllegalArgumentException("not a valid Avro schema: " + e.getMessage(), e);
        }
    }

    /** The value as JSON bytes. Called on the source thread only. */
    byte[] decode(byte[] value) throws UndecodableException {
        if (value == null || value.length == 0) {
            throw new UndecodableException("empty value (a tombstone?) is not an Avro record");
        }
        Schema schema;
        int offset = 0;
        if (registry != null && value.length >= WIRE_HEADER && value[0] == 0) {
            int id = ((value[1] & 0xff) << 24) | ((value[2] & 0xff) << 16) | ((value[3] & 0xff) << 8) | (value[4] & 0xff);
            try {
                schema = registry.schema(id);
            } catch (IOException e) {
                throw new UndecodableException("cannot get Avro schema id " + id + ": " + e.getMessage());
            }
            offset = WIRE_HEADER;
        } else if (staticSchema != null) {
            schema = staticSchema;
        } else {
            throw new UndecodableException("not in the Confluent wire format (magic byte 0 and a 4-byte schema id) and no static schema");
        }
        try {
            reuse = DecoderFactory.get().binaryDecoder(value, offset, value.length - offset, reuse);
            Object datum = readers.computeIfAbsent(schema, GenericDatumReader::new).read(null, reuse);
            if (!reuse.isEnd()) {
                throw new UndecodableException("Avro record does not fill the value: bytes left after decoding with schema "
                        + schema.getFullName());
            }
            return JSON.writeValueAsBytes(AvroJson.toJson(datum, schema));
        } catch (IOException | RuntimeException e) {
            throw new UndecodableException("cannot decode Avro with schema " + schema.getFullName() + ": " + e);
        }
    }

    /** A record value that is not Avro of the expected schema: refused with this reason, the job goes on. */
    static final class UndecodableException extends Exception {
        private static final long serialVersionUID = 1L;

        UndecodableException(String reason) {
            super(reason);
        }
    }
}
