package io.dataflow.flink.connector.postgres;

/** How records map to the table (docs/ORIGINAL.md#postgresql). */
enum WriteMode {
    /**
     * Each field of a JSON object body goes into the column of the same name — also a {@code data jsonb} column,
     * which receives the body's {@code data} field: only {@code rawMode} stores whole bodies.
     */
    COLUMNAR,
    /** {@code rawMode}: body into {@code data}, metadata into {@code _metadata} or flattened columns. */
    RAW
}
