package io.dataflow.flink.connector.postgres.cdc;

/** PostgreSQL's text form of a WAL position, {@code XXXXXXXX/XXXXXXXX} (two hexadecimal halves). */
final class Lsn {

    private Lsn() {
    }

    static long parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an LSN: " + text);
        }
        return (Long.parseUnsignedLong(text.substring(0, slash), 16) << 32) | Long.parseUnsignedLong(text.substring(slash + 1), 16);
    }

    static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
