package io.dataflow.flink.config;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The values of a validated {@code config} object: every value already checked and converted to its field's Java
 * type (String, Integer, Long, Double, Boolean, Duration, List&lt;String&gt;, nested ConfigValues, Map). Read it
 * through the declaring {@link ConfigField}s; absent values fall back to the field's default. (Named apart from
 * Flink's {@code Configuration}, which it never enters.)
 *
 * <p>It travels inside the job's serialized functions (never in Flink's configuration), and its
 * {@link #toString()} masks secret options.
 */
public final class ConfigValues implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String path;
    private final Map<String, Object> values;
    private final Map<String, ConfigField<?>> options;

    ConfigValues(String path, Map<String, Object> values, List<ConfigField<?>> options) {
        this.path = path;
        this.values = values;
        this.options = new LinkedHashMap<>();
        for (ConfigField<?> o : options) {
            this.options.put(o.name(), o);
        }
    }

    /** An empty config for code paths and tests that build one by hand. */
    public static ConfigValues empty(String path) {
        return new ConfigValues(path, new LinkedHashMap<>(), List.of());
    }

    /** The JSON path of this object in the manifest, for runtime error messages ({@code sink.config}). */
    public String path() {
        return path;
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigField<T> option) {
        Object v = values.get(option.name());
        return v == null ? option.defaultValue() : (T) v;
    }

    @SuppressWarnings("unchecked")
    public <T> Optional<T> getOptional(ConfigField<T> option) {
        return Optional.ofNullable((T) values.get(option.name()));
    }

    /** True when the manifest set this field explicitly (defaults do not count). */
    public boolean has(ConfigField<?> option) {
        return values.containsKey(option.name());
    }

    /** The path of one field, for error messages: {@code sink.config.table}. */
    public String pathOf(ConfigField<?> option) {
        return ValidationErrors.child(path, option.name());
    }

    /** The fields as given, secrets replaced by {@code ******}, nested objects expanded; for {@code plan}. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            ConfigField<?> option = options.get(e.getKey());
            out.put(e.getKey(), describeValue(option, e.getValue()));
        }
        return out;
    }

    private static Object describeValue(ConfigField<?> option, Object value) {
        if (option != null && option.secret()) {
            return SecretMasker.MASK;
        }
        if (value instanceof ConfigValues) {
            return ((ConfigValues) value).describe();
        }
        if (value instanceof List && !((List<?>) value).isEmpty() && ((List<?>) value).get(0) instanceof ConfigValues) {
            return ((List<?>) value).stream().map(c -> ((ConfigValues) c).describe()).toList();
        }
        return value instanceof java.time.Duration ? value.toString() : value;
    }

    /** Raw access by name, for owners of {@link ConfigField.Type#ANY} fields. */
    public Object raw(String name) {
        return values.get(name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigValues && ((ConfigValues) o).values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return path + describe();
    }
}
