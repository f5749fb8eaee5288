package io.dataflow.flink.connector.kafka;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Writes Avro test values: plain binary, or in the Confluent wire format with a schema id. */
final class AvroTesting {

    static final String ORDER_SCHEMA = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"customer\",\"type\":\"string\"},"
            + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null},"
            + "{\"name\":\"tags\",\"type\":[\"null\",{\"type\":\"array\",\"items\":\"string\"}],\"default\":null},"
            + "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"Status\",\"symbols\":[\"NEW\",\"PAID\"]}},"
            + "{\"name\":\"attrs\",\"type\":{\"type\":\"map\",\"values\":\"int\"}},"
            + "{\"name\":\"raw\",\"type\":\"bytes\"},"
            + "{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
            + "{\"name\":\"price\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":9,\"scale\":2}},"
            + "{\"name\":\"score\",\"type\":\"double\"}]}";

    private AvroTesting() {
    }

    static Schema orderSchema() {
        return new Schema.Parser().parse(ORDER_SCHEMA);
    }

    /** Order i: note only on even i, tags only on odd i. */
    static org.apache.avro.generic.GenericRecord order(int i) {
        Schema schema = orderSchema();
        org.apache.avro.generic.GenericRecord r = new org.apache.avro.generic.GenericData.Record(schema);
        r.put("id", (long) i);
        r.put("customer", "customer " + i);
        r.put("note", i % 2 == 0 ? "note " + i : null);
        r.put("tags", i % 2 == 1 ? java.util.List.of("a", "b" + i) : null);
        r.put("status", new org.apache.avro.generic.GenericData.EnumSymbol(schema.getField("status").schema(), i % 2 == 0 ? "NEW" : "PAID"));
        r.put("attrs", java.util.Map.of("qty", i % 7));
        r.put("raw", ByteBuffer.wrap(new byte[]{1, 2, (byte) i}));
        r.put("at", 1_700_000_000_000L + i);
        r.put("price", ByteBuffer.wrap(java.math.BigInteger.valueOf(1999L + i).toByteArray()));
        r.put("score", i / 4.0);
        return r;
    }

    static byte[] binary(Object datum, Schema schema) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<>(schema).write(datum, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] wire(int schemaId, Object datum, Schema schema) {
        byte[] body = binary(datum, schema);
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body).array();
    }
}
