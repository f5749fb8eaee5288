package io.dataflow.flink.runtime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What all writers of a sink handed the committer before one checkpoint's barrier, as kept in the committer's state
 * until that checkpoint completes and the commit succeeds: the committer run's commit user, the checkpoint, and the
 * writers' committables (opaque to the runtime; the sink's committer reads them).
 */
record CheckpointCommittables(String commitUser, long checkpointId, List<byte[]> committables) {

    private static final int VERSION = 1;

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(VERSION);
            out.writeUTF(commitUser);
            out.writeLong(checkpointId);
            out.writeInt(committables.size());
            for (byte[] committable : committables) {
                out.writeInt(committable.length);
                out.write(committable);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static CheckpointCommittables decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalStateException("committables in the sink committer's state have unknown version " + version);
            }
            String user = in.readUTF();
            long checkpoint = in.readLong();
            int count = in.readInt();
            List<byte[]> committables = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] committable = new byte[in.readInt()];
                in.readFully(committable);
                committables.add(committable);
            }
            return new CheckpointCommittables(user, checkpoint, committables);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
