package io.dataflow.flink.connector.iceberg;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Data files written for one checkpoint and not yet committed, as kept in Flink state: who writes them (a commit
 * user, fresh for every run of a sink subtask), the checkpoint, and a manifest listing the files (Iceberg's own
 * encoding, stable across versions, as Flink's Iceberg committer keeps them).
 */
record PendingCommit(String commitUser, long checkpointId, byte[] manifest) {

    private static final int VERSION = 1;

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(manifest.length + 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(VERSION);
            out.writeUTF(commitUser);
            out.writeLong(checkpointId);
            out.writeInt(manifest.length);
            out.write(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static PendingCommit decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalStateException("pending Iceberg commit in Flink state has unknown version " + version);
            }
            String user = in.readUTF();
            long checkpoint = in.readLong();
            byte[] manifest = new byte[in.readInt()];
            in.readFully(manifest);
            return new PendingCommit(user, checkpoint, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
