package io.dataflow.flink.connector.clickhouse;

import java.io.ByteArrayOutputStream;

/**
 * The JSONEachRow lines of one batch, one after the other in one array that the sink reuses batch after batch. The
 * INSERT sends the array as it is; before, each line was an array of its own and the INSERT's body a copy of them all,
 * a multi-megabyte array per batch that G1 allocates outside the young generation.
 */
final class ClickHouseLines extends ByteArrayOutputStream {

    ClickHouseLines(int initialSize) {
        super(initialSize);
    }

    /** Drops everything after the first {@code size} bytes: the partial line of a record that was refused. */
    void truncate(int size) {
        if (size < 0 || size > count) {
            throw new IllegalArgumentException("cannot truncate " + count + " bytes to " + size);
        }
        count = size;
    }

    /** The array holding the lines, valid for the first {@link #size()} bytes until the next write or reset. */
    byte[] array() {
        return buf;
    }
}
