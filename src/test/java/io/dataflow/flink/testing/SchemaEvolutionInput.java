package io.dataflow.flink.testing;

/**
 * The input of the sinks' schemaEvolution tests, for a table that starts as {@code (id, qty, price)} with a 32-bit
 * integer {@code qty} and a single-precision {@code price}: the records below {@code newField} fit it; from
 * {@code newField} they carry a new field {@code note} ("n" + id); from {@code widerQty} a {@code qty} beyond a 32-bit
 * integer ({@link #WIDE} + id); from {@code longerPrice} a {@code price} with more digits than single precision keeps.
 */
public record SchemaEvolutionInput(int newField, int widerQty, int longerPrice) {

    /** Added to the id for a qty beyond a 32-bit integer. */
    public static final long WIDE = 3_000_000_000L;

    /** Record {@code i} of the input (its id is i). */
    public String record(int i) {
        if (i < newField) {
            return "{\"id\":" + i + ",\"qty\":" + i + ",\"price\":1.5}";
        }
        if (i < widerQty) {
            return "{\"id\":" + i + ",\"qty\":" + i + ",\"price\":1.5,\"note\":\"n" + i + "\"}";
        }
        if (i < longerPrice) {
            return "{\"id\":" + i + ",\"qty\":" + (WIDE + i) + ",\"price\":1.5}";
        }
        return "{\"id\":" + i + ",\"qty\":" + i + ",\"price\":3.14159265}";
    }
}
