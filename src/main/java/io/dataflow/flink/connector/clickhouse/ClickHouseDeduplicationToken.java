package io.dataflow.flink.connector.clickhouse;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code insert_deduplication_token} of one INSERT: a SHA-256 of the records' bytes as they arrived (each with
 * its length, so record boundaries count), not of the encoded rows — those carry {@code created_at} filled at
 * encoding, which would differ when the same records are written again after a restart. Equal records in equal
 * order give the same token, so a retry, or a replay that forms the same batch, is stored once within the table's
 * deduplication window.
 */
final class ClickHouseDeduplicationToken {

    private ClickHouseDeduplicationToken() {
    }

    static String of(List<byte[]> records) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        byte[] length = new byte[4];
        for (byte[] record : records) {
            int n = record.length;
            length[0] = (byte) (n >>> 24);
            length[1] = (byte) (n >>> 16);
            length[2] = (byte) (n >>> 8);
            length[3] = (byte) n;
            sha256.update(length);
            sha256.update(record);
        }
        return "dataflow-" + HexFormat.of().formatHex(sha256.digest());
    }
}
