package io.dataflow.flink.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One typed field of a connector's or transformation's {@code config}: name, type, default, whether it is
 * required, what it means, and whether its value is a secret. Validation, {@code plan} masking and the reference
 * docs are all derived from these declarations. (Named apart from Flink's
 * {@code org.apache.flink.configuration.ConfigOption}: this is a field of a manifest's {@code config} object, not a
 * Flink setting.)
 *
 * <pre>{@code
 * static final ConfigField<String> TOPIC = ConfigField.string("topic").required().description("Topic to read").build();
 * }</pre>
 */
public final class ConfigField<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The value types a config field can have; see {@link ConfigValidator} for what each accepts. */
    public enum Type {
        STRING, INT, LONG, DOUBLE, BOOLEAN,
        /** A Go duration ({@code 30s}, {@code 1m30s}, {@code 500ms}) or a number of seconds. */
        DURATION,
        /** A list of strings, or one comma-separated string (as secrets hold broker lists). */
        STRING_LIST,
        /** One of {@link #enumValues()}, matched case-insensitively. */
        ENUM,
        /** A nested object validated against {@link #children()}. */
        OBJECT,
        /** A list of nested objects, each validated against {@link #children()}. */
        OBJECT_LIST,
        /** A free-form object of string keys (e.g. {@code cast.spec}). */
        MAP,
        /** Anything; the owner validates it. */
        ANY
    }

    private final String name;
    private final Type type;
    private final T defaultValue;
    private final boolean required;
    private final boolean secret;
    private final String description;
    private final List<String> enumValues;
    private final List<ConfigField<?>> children;
    private final Long min;

    private ConfigField(Builder<T> b) {
        this.name = b.name;
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.required = b.required;
        this.secret = b.secret;
        this.description = b.description;
        this.enumValues = b.enumValues;
        this.children = b.children;
        this.min = b.min;
    }

    public static Builder<String> string(String name) {
        return new Builder<>(name, Type.STRING);
    }

    public static Builder<Integer> integer(String name) {
        return new Builder<>(name, Type.INT);
    }

    public static Builder<Long> longValue(String name) {
        return new Builder<>(name, Type.LONG);
    }

    public static Builder<Double> doubleValue(String name) {
        return new Builder<>(name, Type.DOUBLE);
    }

    public static Builder<Boolean> bool(String name) {
        return new Builder<>(name, Type.BOOLEAN);
    }

    public static Builder<Duration> duration(String name) {
        return new Builder<>(name, Type.DURATION);
    }

    public static Builder<List<String>> stringList(String name) {
        return new Builder<>(name, Type.STRING_LIST);
    }

    public static Builder<String> enumOf(String name, String... values) {
        Builder<String> b = new Builder<>(name, Type.ENUM);
        b.enumValues = List.of(values);
        return b;
    }

    public static Builder<ConfigValues> object(String name, ConfigField<?>... children) {
        Builder<ConfigValues> b = new Builder<>(name, Type.OBJECT);
        b.children = List.of(children);
        return b;
    }

    public static Builder<List<ConfigValues>> objectList(String name, ConfigField<?>... children) {
        Builder<List<ConfigValues>> b = new Builder<>(name, Type.OBJECT_LIST);
        b.children = List.of(children);
        return b;
    }

    public static Builder<Map<String, Object>> map(String name) {
        return new Builder<>(name, Type.MAP);
    }

    public static Builder<Object> any(String name) {
        return new Builder<>(name, Type.ANY);
    }

    public String name() {
        return name;
    }

    public Type type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public boolean required() {
        return required;
    }

    /** Its value is masked in {@code plan} output and logs. */
    public boolean secret() {
        return secret;
    }

    public String description() {
        return description;
    }

    public List<String> enumValues() {
        return enumValues;
    }

    public List<ConfigField<?>> children() {
        return children;
    }

    public Long min() {
        return min;
    }

    /** A string or string-list field may be given as a sibling {@code <name>SecretRef}, as in the original. */
    public boolean acceptsSecretRef() {
        return type == Type.STRING || type == Type.STRING_LIST;
    }

    @Override
    public String toString() {
        return name + " (" + type.name().toLowerCase() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigField && ((ConfigField<?>) o).name.equals(name) && ((ConfigField<?>) o).type == type;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type);
    }

    /** Builder; {@link #build()} checks that the declaration itself is coherent. */
    public static final class Builder<T> {
        private final String name;
        private final Type type;
        private T defaultValue;
        private boolean required;
        private boolean secret;
        private String description = "";
        private List<String> enumValues = List.of();
        private List<ConfigField<?>> children = List.of();
        private Long min;

        private Builder(String name, Type type) {
            this.name = Objects.requireNonNull(name, "name");
            this.type = type;
        }

        public Builder<T> required() {
            this.required = true;
            return this;
        }

        public Builder<T> defaultValue(T value) {
            this.defaultValue = value;
            return this;
        }

        public Builder<T> secret() {
            this.secret = true;
            return this;
        }

        public Builder<T> description(String description) {
            this.description = description;
            return this;
        }

        /** Smallest accepted value for numbers (and durations, in milliseconds). */
        public Builder<T> min(long min) {
            this.min = min;
            return this;
        }

        public ConfigField<T> build() {
            if (required && defaultValue != null) {
                throw new IllegalStateException("option " + name + " is required and has a default");
            }
            if (type == Type.ENUM && defaultValue != null && !enumValues.contains(defaultValue)) {
                throw new IllegalStateException("option " + name + ": default " + defaultValue + " not in " + enumValues);
            }
            return new ConfigField<>(this);
        }

        @Override
        public String toString() {
            return name + Arrays.asList(type);
        }
    }
}
