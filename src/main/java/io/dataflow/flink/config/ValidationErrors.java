package io.dataflow.flink.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem found in a manifest, each with the JSON path of the field it is about. */
public final class ValidationErrors {

    /** One problem: {@code source.config.brokers: required}. */
    public record Error(String path, String message) {
        @Override
        public String toString() {
            return path.isEmpty() ? message : path + ": " + message;
        }
    }

    private final List<Error> errors = new ArrayList<>();

    /** Adds a problem; the same problem found by two checks is reported once. */
    public void add(String path, String message) {
        Error error = new Error(path, message);
        if (!errors.contains(error)) {
            errors.add(error);
        }
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public List<Error> list() {
        return List.copyOf(errors);
    }

    public int size() {
        return errors.size();
    }

    /** Throws a {@link ManifestException} carrying every error so far, if there is any. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new ManifestException(list());
        }
    }

    public static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public static String index(String path, int i) {
        return path + "[" + i + "]";
    }
}
