package io.dataflow.flink.connector.trino;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows a writer staged for the sink's committer (upsert mode), as bytes that travel through Flink to the
 * committer and wait in its state until their checkpoint completes: the table's written columns, then the rows
 * ({@link TrinoUpsertRow}) in the writer's order. A writer's rows of one checkpoint are cut into pieces of at most
 * about {@link #MAX_BYTES} each, so no single Flink record or state entry grows with the checkpoint.
 */
record TrinoUpsertCommittable(List<String> columns, List<TrinoUpsertRow> rows) {

    static final int MAX_BYTES = 1 << 20;

    private static final int VERSION = 1;

    /** {@code rows} as committables of at most about {@link #MAX_BYTES} each (a larger row gets one of its own). */
    static List<byte[]> encode(List<String> columns, List<TrinoUpsertRow> rows) {
        List<byte[]> out = new ArrayList<>();
        List<TrinoUpsertRow> piece = new ArrayList<>();
        long size = 0;
        for (TrinoUpsertRow row : rows) {
            long rowSize = columns.size() * 5L;
            for (String literal : row.literals()) {
                rowSize += literal.length() * 3L;
            }
            if (!piece.isEmpty() && size + rowSize > MAX_BYTES) {
                out.add(new TrinoUpsertCommittable(columns, piece).encode());
                piece = new ArrayList<>();
                size = 0;
            }
            piece.add(row);
            size += rowSize;
        }
        if (!piece.isEmpty()) {
            out.add(new TrinoUpsertCommittable(columns, piece).encode());
        }
        return out;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(VERSION);
            out.writeInt(columns.size());
            for (String column : columns) {
                writeString(out, column);
            }
            out.writeInt(rows.size());
            for (TrinoUpsertRow row : rows) {
                out.writeBoolean(row.carried() != null);
                if (row.carried() != null) {
                    for (boolean carried : row.carried()) {
                        out.writeBoolean(carried);
                    }
                }
                for (String literal : row.literals()) {
                    writeString(out, literal);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static TrinoUpsertCommittable decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalStateException("Trino sink: staged rows in the committer's state have unknown version " + version);
            }
            int columnCount = in.readInt();
            List<String> columns = new ArrayList<>(columnCount);
            for (int i = 0; i < columnCount; i++) {
                columns.add(readString(in));
            }
            int rowCount = in.readInt();
            List<TrinoUpsertRow> rows = new ArrayList<>(rowCount);
            for (int r = 0; r < rowCount; r++) {
                boolean[] carried = null;
                if (in.readBoolean()) {
                    carried = new boolean[columnCount];
                    for (int i = 0; i < columnCount; i++) {
                        carried[i] = in.readBoolean();
                    }
                }
                List<String> literals = new ArrayList<>(columnCount);
                for (int i = 0; i < columnCount; i++) {
                    literals.add(readString(in));
                }
                rows.add(new TrinoUpsertRow(literals, carried));
            }
            return new TrinoUpsertCommittable(columns, rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Length-prefixed UTF-8: a literal may be longer than {@code writeUTF}'s 64 KB. */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[in.readInt()];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
