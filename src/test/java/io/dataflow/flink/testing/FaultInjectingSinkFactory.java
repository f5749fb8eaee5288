package io.dataflow.flink.testing;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.connector.RefusedRecordListener;
import io.dataflow.flink.connector.SinkCommitter;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Test-only sink types {@code faulty-<type>} (postgresql, kafka, nessie): the real sink of that type, with the same
 * options, failing the task inside the sink where {@link SinkFaults}' plan says — in {@code flush()} after part of the
 * buffer reached the target, or in the completed checkpoint's notification before or after the real sink commits
 * (the Kafka exactly-once sink commits its transaction there; for the Iceberg sinks, whose one committer appends,
 * in that committer's commit instead). The wrapper holds the
 * records written since the last flush and hands them to the real sink at flush, so that it decides how much of a
 * flush reaches the target; without a planned fault it passes everything on unchanged.
 */
public abstract class FaultInjectingSinkFactory implements ConnectorFactory {

    private final String wrapped;

    FaultInjectingSinkFactory(String wrapped) {
        this.wrapped = wrapped;
    }

    private ConnectorFactory delegate() {
        return ConnectorRegistry.sink(wrapped);
    }

    @Override
    public String type() {
        return "faulty-" + wrapped;
    }

    @Override
    public String description() {
        return "test only: the " + wrapped + " sink, failing in flush or commit as SinkFaults plans";
    }

    @Override
    public boolean isSink() {
        return true;
    }

    @Override
    public List<ConfigField<?>> sinkOptions() {
        return delegate().sinkOptions();
    }

    @Override
    public void validateSink(ConfigValues config, ValidationErrors errors) {
        delegate().validateSink(config, errors);
    }

    @Override
    public boolean isIdempotentSink(ConfigValues config) {
        return delegate().isIdempotentSink(config);
    }

    @Override
    public Optional<String> fieldRequiringCheckpointing(ConfigValues config) {
        return delegate().fieldRequiringCheckpointing(config);
    }

    @Override
    public SinkConnector createSink(ConfigValues config, ConnectorContext context) {
        return new FaultInjectingSink(delegate().createSink(config, context), delegate().hasCommitter(config));
    }

    @Override
    public boolean hasCommitter(ConfigValues config) {
        return delegate().hasCommitter(config);
    }

    /** A sink with a committer (the Iceberg sinks) commits there: its commit faults fall in the committer. */
    @Override
    public SinkCommitter createCommitter(ConfigValues config, ConnectorContext context) {
        return new FaultInjectingCommitter(delegate().createCommitter(config, context));
    }

    private static final class FaultInjectingCommitter implements SinkCommitter {
        private final SinkCommitter real;

        FaultInjectingCommitter(SinkCommitter real) {
            this.real = real;
        }

        @Override
        public void open() throws Exception {
            real.open();
        }

        @Override
        public void commit(String commitUser, long checkpointId, List<byte[]> committables) throws Exception {
            SinkFaults.checkpointCompleted();
            if (!committables.isEmpty() && SinkFaults.falls(SinkFaults.Fault.BEFORE_COMMIT)) {
                throw new IllegalStateException("injected fault before the commit of completed checkpoint " + checkpointId);
            }
            real.commit(commitUser, checkpointId, committables);
            if (!committables.isEmpty() && SinkFaults.falls(SinkFaults.Fault.AFTER_COMMIT)) {
                throw new IllegalStateException("injected fault after the commit of completed checkpoint " + checkpointId);
            }
        }

        @Override
        public void close() {
            real.close();
        }
    }

    public static final class Postgres extends FaultInjectingSinkFactory {
        public Postgres() {
            super("postgresql");
        }
    }

    public static final class Kafka extends FaultInjectingSinkFactory {
        public Kafka() {
            super("kafka");
        }
    }

    public static final class Nessie extends FaultInjectingSinkFactory {
        public Nessie() {
            super("nessie");
        }
    }

    private static final class FaultInjectingSink implements SinkConnector {
        private final SinkConnector real;
        /** Whether a committer of its own commits what this sink wrote (commit faults fall there, not here). */
        private final boolean committerCommits;
        private final List<Message> buffered = new ArrayList<>();
        /** Records handed to the real sink since its last commit: a commit fault falls only where there is something to commit. */
        private long sinceCommit;

        FaultInjectingSink(SinkConnector real, boolean committerCommits) {
            this.real = real;
            this.committerCommits = committerCommits;
        }

        @Override
        public void connect() throws Exception {
            real.connect();
        }

        @Override
        public void write(Message message) throws Exception {
            SinkFaults.written();
            buffered.add(message.copy());
        }

        @Override
        public void flush() throws Exception {
            if (buffered.size() >= 2 && SinkFaults.falls(SinkFaults.Fault.IN_FLUSH)) {
                int part = buffered.size() / 2;
                for (Message m : buffered.subList(0, part)) {
                    real.write(m);
                }
                real.flush();
                throw new IllegalStateException("injected fault in flush: " + part + " of " + buffered.size()
                        + " buffered records written and flushed, the rest not, before the checkpoint completed");
            }
            for (Message m : buffered) {
                real.write(m);
            }
            sinceCommit += buffered.size();
            buffered.clear();
            real.flush();
        }

        @Override
        public void setRefusedRecordListener(RefusedRecordListener listener) {
            real.setRefusedRecordListener(listener);
        }

        @Override
        public long flushIntervalMillis() {
            return real.flushIntervalMillis();
        }

        @Override
        public List<byte[]> snapshotState(long checkpointId) throws Exception {
            return real.snapshotState(checkpointId);
        }

        @Override
        public List<byte[]> committables(long checkpointId) throws Exception {
            return real.committables(checkpointId);
        }

        @Override
        public void restoreState(long restoredCheckpointId, List<byte[]> entries) throws Exception {
            real.restoreState(restoredCheckpointId, entries);
        }

        @Override
        public void checkpointComplete(long checkpointId) throws Exception {
            if (committerCommits) {
                real.checkpointComplete(checkpointId);
                return;
            }
            // this notification is the completed checkpoint a fault waits for since the previous one
            SinkFaults.checkpointCompleted();
            if (sinceCommit > 0 && SinkFaults.falls(SinkFaults.Fault.BEFORE_COMMIT)) {
                throw new IllegalStateException("injected fault before the commit of completed checkpoint " + checkpointId);
            }
            real.checkpointComplete(checkpointId);
            if (sinceCommit > 0 && SinkFaults.falls(SinkFaults.Fault.AFTER_COMMIT)) {
                throw new IllegalStateException("injected fault after the commit of completed checkpoint " + checkpointId);
            }
            sinceCommit = 0;
        }

        @Override
        public boolean requiresCheckpointing() {
            return real.requiresCheckpointing();
        }

        @Override
        public void close() {
            buffered.clear();
            real.close();
        }
    }
}
