package io.dataflow.flink.transform;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/** Finds a {@link TransformerFactory} by the manifest's {@code type} (ServiceLoader registration). */
public final class TransformRegistry {

    private static final Map<String, TransformerFactory> FACTORIES = load();

    private TransformRegistry() {
    }

    private static Map<String, TransformerFactory> load() {
        Map<String, TransformerFactory> byType = new TreeMap<>();
        for (TransformerFactory f : ServiceLoader.load(TransformerFactory.class, TransformerFactory.class.getClassLoader())) {
            if (byType.put(f.type(), f) != null) {
                throw new IllegalStateException("two transformation factories for type " + f.type());
            }
        }
        return Collections.unmodifiableMap(byType);
    }

    public static Optional<TransformerFactory> find(String type) {
        return Optional.ofNullable(FACTORIES.get(type));
    }

    public static Set<String> types() {
        return FACTORIES.keySet();
    }
}
