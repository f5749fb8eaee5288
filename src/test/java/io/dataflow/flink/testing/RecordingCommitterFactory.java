package io.dataflow.flink.testing;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.SinkCommitter;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.message.Message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only sink type {@code recording-committer}, for tests about the order in which the runtime's sink operators
 * hand over and commit (no server involved): each writer's committable is the records it was written since the last
 * call, joined by commas; the committer records every {@link SinkCommitter#commit} call in the log named by
 * {@code log}, and deliberately does not skip a commit it has seen, so that a second commit of the same checkpoint
 * by the runtime shows up in the log.
 */
public final class RecordingCommitterFactory implements ConnectorFactory {

    static final ConfigField<String> LOG = ConfigField.string("log").required().build();

    private static final Map<String, List<Commit>> LOGS = new ConcurrentHashMap<>();

    /** One call of {@link SinkCommitter#commit}: its commit user, checkpoint and the records of its committables. */
    public record Commit(String commitUser, long checkpointId, List<String> records) {
    }

    /** The commits made so far under {@code log}, in the order they were made. */
    public static List<Commit> commits(String log) {
        List<Commit> commits = LOGS.computeIfAbsent(log, name -> Collections.synchronizedList(new ArrayList<>()));
        synchronized (commits) {
            return List.copyOf(commits);
        }
    }

    @Override
    public String type() {
        return "recording-committer";
    }

    @Override
    public String description() {
        return "test only: a sink whose committer records every commit call";
    }

    @Override
    public boolean isSink() {
        return true;
    }

    @Override
    public List<ConfigField<?>> sinkOptions() {
        return List.of(LOG);
    }

    @Override
    public boolean hasCommitter(ConfigValues config) {
        return true;
    }

    @Override
    public SinkConnector createSink(ConfigValues config, ConnectorContext context) {
        return new Writer();
    }

    @Override
    public SinkCommitter createCommitter(ConfigValues config, ConnectorContext context) {
        List<Commit> log = LOGS.computeIfAbsent(config.get(LOG), name -> Collections.synchronizedList(new ArrayList<>()));
        return new SinkCommitter() {
            @Override
            public void open() {
            }

            @Override
            public void commit(String commitUser, long checkpointId, List<byte[]> committables) {
                List<String> records = new ArrayList<>();
                for (byte[] committable : committables) {
                    records.addAll(List.of(new String(committable, StandardCharsets.UTF_8).split(",")));
                }
                log.add(new Commit(commitUser, checkpointId, List.copyOf(records)));
            }

            @Override
            public void close() {
            }
        };
    }

    /** Keeps the records written since the last {@link #committables} call; that call hands them over. */
    private static final class Writer implements SinkConnector {
        private final List<String> written = new ArrayList<>();

        @Override
        public void connect() {
        }

        @Override
        public void write(Message message) {
            written.add(message.dataAsString());
        }

        @Override
        public void flush() {
        }

        @Override
        public List<byte[]> committables(long checkpointId) {
            if (written.isEmpty()) {
                return List.of();
            }
            byte[] committable = String.join(",", written).getBytes(StandardCharsets.UTF_8);
            written.clear();
            return List.of(committable);
        }

        @Override
        public void close() {
        }
    }
}
