package io.dataflow.flink.testing;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only sink type {@code tracking-postgresql}: the real PostgreSQL sink, plus counts of how often the
 * runtime connected and closed it (the MiniCluster runs in the test JVM, so static counters see every subtask).
 */
public final class TrackingSinkFactory implements ConnectorFactory {

    public static final AtomicInteger CONNECTS = new AtomicInteger();
    public static final AtomicInteger CLOSES = new AtomicInteger();
    public static final AtomicInteger CLOSE_ERRORS = new AtomicInteger();

    private static ConnectorFactory delegate() {
        return ConnectorRegistry.sink("postgresql");
    }

    public static void reset() {
        CONNECTS.set(0);
        CLOSES.set(0);
        CLOSE_ERRORS.set(0);
    }

    @Override
    public String type() {
        return "tracking-postgresql";
    }

    @Override
    public String description() {
        return "test only: the postgresql sink with connect/close counters";
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
    public SinkConnector createSink(ConfigValues config, ConnectorContext context) {
        SinkConnector real = delegate().createSink(config, context);
        return new SinkConnector() {
            @Override
            public void connect() throws Exception {
                CONNECTS.incrementAndGet();
                real.connect();
            }

            @Override
            public void write(Message message) throws Exception {
                real.write(message);
            }

            @Override
            public void flush() throws Exception {
                real.flush();
            }

            @Override
            public long flushIntervalMillis() {
                return real.flushIntervalMillis();
            }

            @Override
            public void close() {
                CLOSES.incrementAndGet();
                try {
                    real.close();
                } catch (RuntimeException e) {
                    CLOSE_ERRORS.incrementAndGet();
                    throw e;
                }
            }
        };
    }
}
