package io.dataflow.flink.testing;

import io.dataflow.flink.connector.LifecycleGuard;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.connector.SourceBatch;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.message.Message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only connector type {@code values} (Flink CDC's habit): a bounded source that emits {@code count} JSON
 * records {"id": i} spread over its subtasks, and a sink that appends to an in-memory list named by
 * {@code collection}. The sink keeps a pending buffer and "commits" it on flush, so tests see exactly what a
 * real batching sink would have made durable.
 */
public final class ValuesConnectorFactory implements ConnectorFactory {

    public static final Map<String, List<Message>> COLLECTIONS = new ConcurrentHashMap<>();
    public static final AtomicInteger OPEN_CONNECTORS = new AtomicInteger();

    static final ConfigField<Integer> COUNT = ConfigField.integer("count").defaultValue(1000).min(0).build();
    static final ConfigField<Integer> BATCH = ConfigField.integer("batch").defaultValue(50).min(1).build();
    static final ConfigField<Boolean> BOUNDED = ConfigField.bool("bounded").defaultValue(true).build();
    static final ConfigField<String> COLLECTION = ConfigField.string("collection").required().build();
    static final ConfigField<Integer> FLUSH_MS = ConfigField.integer("flushIntervalMs").defaultValue(0).build();

    public static List<Message> collection(String name) {
        return COLLECTIONS.computeIfAbsent(name, n -> Collections.synchronizedList(new ArrayList<>()));
    }

    @Override
    public String type() {
        return "values";
    }

    @Override
    public String description() {
        return "test only: in-memory source and sink";
    }

    @Override
    public boolean isSource() {
        return true;
    }

    @Override
    public boolean isSink() {
        return true;
    }

    @Override
    public boolean isParallelSource(ConfigValues config) {
        return true;
    }

    @Override
    public List<ConfigField<?>> sourceOptions() {
        return List.of(COUNT, BATCH, BOUNDED);
    }

    @Override
    public List<ConfigField<?>> sinkOptions() {
        return List.of(COLLECTION, FLUSH_MS);
    }

    @Override
    public SourceConnector createSource(ConfigValues config, ConnectorContext context) {
        return new Source(config.get(COUNT), config.get(BATCH), config.get(BOUNDED), context);
    }

    @Override
    public SinkConnector createSink(ConfigValues config, ConnectorContext context) {
        return new Sink(collection(config.get(COLLECTION)), config.get(FLUSH_MS));
    }

    /** Emits ids subtask, subtask + parallelism, …; its position is the next id to emit. */
    static final class Source extends LifecycleGuard implements SourceConnector {
        private final int count;
        private final int batch;
        private final boolean bounded;
        private final ConnectorContext context;
        private long next;

        Source(int count, int batch, boolean bounded, ConnectorContext context) {
            this.count = count;
            this.batch = batch;
            this.bounded = bounded;
            this.context = context;
            this.next = context.subtaskIndex();
        }

        @Override
        public void connect() {
            if (!guardConnect()) {
                throw new ConnectorClosedException();
            }
            OPEN_CONNECTORS.incrementAndGet();
            unlock();
        }

        @Override
        public SourceBatch poll() throws InterruptedException {
            if (next >= count) {
                if (bounded) {
                    return SourceBatch.end();
                }
                Thread.sleep(50);
                return SourceBatch.empty();
            }
            List<Message> messages = new ArrayList<>();
            long id = next;
            for (int i = 0; i < batch && id < count; i++, id += context.parallelism()) {
                messages.add(Message.of("{\"id\":" + id + "}").putMetadata("id", id));
            }
            long newNext = id;
            return SourceBatch.of(messages, () -> next = newNext);
        }

        @Override
        public byte[] snapshotPosition(long checkpointId) {
            return ByteBuffer.allocate(12).putInt(context.subtaskIndex()).putLong(next).array();
        }

        @Override
        public void restorePositions(List<byte[]> positions) {
            for (byte[] p : positions) {
                ByteBuffer b = ByteBuffer.wrap(p);
                if (b.getInt() == context.subtaskIndex()) {
                    next = b.getLong();
                }
            }
        }

        @Override
        public void close() {
            if (guardClose()) {
                return;
            }
            OPEN_CONNECTORS.decrementAndGet();
            unlock();
        }
    }

    /** Buffers writes; a flush appends the buffer to the shared collection. */
    static final class Sink extends LifecycleGuard implements SinkConnector {
        private final List<Message> target;
        private final long flushIntervalMs;
        private final List<Message> pending = new ArrayList<>();

        Sink(List<Message> target, long flushIntervalMs) {
            this.target = target;
            this.flushIntervalMs = flushIntervalMs;
        }

        @Override
        public void connect() {
            if (!guardConnect()) {
                throw new ConnectorClosedException();
            }
            OPEN_CONNECTORS.incrementAndGet();
            unlock();
        }

        @Override
        public void write(Message message) {
            pending.add(message.copy());
        }

        @Override
        public void flush() {
            target.addAll(pending);
            pending.clear();
        }

        @Override
        public long flushIntervalMillis() {
            return flushIntervalMs;
        }

        @Override
        public void close() {
            if (guardClose()) {
                return;
            }
            pending.clear();
            OPEN_CONNECTORS.decrementAndGet();
            unlock();
        }
    }
}
