package io.dataflow.flink.connector.postgres;

/** How records map to the table (reference §4.2). */
enum WriteMode {
    /** Each field of a JSON object body goes into the column of the same name. */
    COLUMNAR,
    /** Not raw mode, but the existing table has a {@code data jsonb} column: the whole body goes there. */
    DOCUMENT,
    /** {@code rawMode}: body into {@code data}, metadata into {@code _metadata} or flattened columns. */
    RAW
}
