package io.dataflow.flink.testing;

import io.dataflow.flink.connector.LifecycleGuard;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.SourceBatch;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.message.Message;

import java.util.List;

/**
 * Test-only source type {@code gated}, bounded: subtask 0 emits one record and ends only once a checkpoint taken
 * after that record has completed; every other subtask ends at once. A job with it finishes only if checkpoints keep
 * completing while some subtasks of the source have finished and one still reads.
 */
public final class GatedSourceFactory implements ConnectorFactory {

    @Override
    public String type() {
        return "gated";
    }

    @Override
    public String description() {
        return "test only: a bounded source whose subtask 0 ends after a checkpoint completed";
    }

    @Override
    public boolean isSource() {
        return true;
    }

    @Override
    public boolean isParallelSource(ConfigValues config) {
        return true;
    }

    @Override
    public SourceConnector createSource(ConfigValues config, ConnectorContext context) {
        return new Source(context.subtaskIndex());
    }

    static final class Source extends LifecycleGuard implements SourceConnector {
        private final int subtask;
        private volatile boolean emitted;
        /** The first checkpoint taken after the record was emitted; its completion opens the gate. */
        private volatile long checkpointAfterRecord = -1;
        private volatile boolean gateOpen;

        Source(int subtask) {
            this.subtask = subtask;
        }

        @Override
        public void connect() {
            if (!guardConnect()) {
                throw new ConnectorClosedException();
            }
            unlock();
        }

        @Override
        public SourceBatch poll() throws InterruptedException {
            if (subtask != 0 || gateOpen) {
                return SourceBatch.end();
            }
            if (!emitted) {
                return SourceBatch.of(List.of(Message.of("{\"gated\":0}")), () -> emitted = true);
            }
            Thread.sleep(20);
            return SourceBatch.empty();
        }

        @Override
        public byte[] snapshotPosition(long checkpointId) {
            if (emitted && checkpointAfterRecord < 0) {
                checkpointAfterRecord = checkpointId;
            }
            return new byte[] {(byte) subtask, (byte) (emitted ? 1 : 0)};
        }

        @Override
        public void restorePositions(List<byte[]> positions) {
            for (byte[] p : positions) {
                if (p[0] == subtask && p[1] == 1) {
                    emitted = true;
                }
            }
        }

        @Override
        public void checkpointComplete(long checkpointId) {
            if (checkpointAfterRecord >= 0 && checkpointId >= checkpointAfterRecord) {
                gateOpen = true;
            }
        }

        @Override
        public void close() {
            if (!guardClose()) {
                unlock();
            }
        }
    }
}
