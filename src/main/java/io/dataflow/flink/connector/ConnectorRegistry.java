package io.dataflow.flink.connector;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Finds a {@link ConnectorFactory} by the manifest's {@code type}; registration through ServiceLoader. */
public final class ConnectorRegistry {

    private static final Map<String, ConnectorFactory> FACTORIES = load();

    private ConnectorRegistry() {
    }

    private static Map<String, ConnectorFactory> load() {
        Map<String, ConnectorFactory> byType = new TreeMap<>();
        for (ConnectorFactory f : ServiceLoader.load(ConnectorFactory.class, ConnectorFactory.class.getClassLoader())) {
            if (byType.put(f.type(), f) != null) {
                throw new IllegalStateException("two connector factories for type " + f.type());
            }
        }
        return Collections.unmodifiableMap(byType);
    }

    public static Optional<ConnectorFactory> find(String type) {
        return Optional.ofNullable(FACTORIES.get(type));
    }

    public static Set<String> sourceTypes() {
        Set<String> types = new TreeSet<>();
        FACTORIES.values().stream().filter(ConnectorFactory::isSource).forEach(f -> types.add(f.type()));
        return types;
    }

    public static Set<String> sinkTypes() {
        Set<String> types = new TreeSet<>();
        FACTORIES.values().stream().filter(ConnectorFactory::isSink).forEach(f -> types.add(f.type()));
        return types;
    }

    public static ConnectorFactory source(String type) {
        ConnectorFactory f = FACTORIES.get(type);
        if (f == null || !f.isSource()) {
            throw new IllegalArgumentException("unsupported source type " + type + " (supported: " + String.join(", ", sourceTypes()) + ")");
        }
        return f;
    }

    public static ConnectorFactory sink(String type) {
        ConnectorFactory f = FACTORIES.get(type);
        if (f == null || !f.isSink()) {
            throw new IllegalArgumentException("unsupported sink type " + type + " (supported: " + String.join(", ", sinkTypes()) + ")");
        }
        return f;
    }
}
