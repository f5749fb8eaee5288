package io.dataflow.flink.transform;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;

import java.util.List;

/** Creates one transformation {@code type} and declares its typed {@code config} options. */
public interface TransformerFactory {

    /** The manifest's {@code type}, e.g. {@code mask}. */
    String type();

    String description();

    List<ConfigField<?>> options();

    /** Cross-field rules beyond what the options declare; report with {@code config.pathOf(option)}. */
    default void validate(ConfigValues config, ValidationErrors errors) {
    }

    Transformer create(ConfigValues config);

    /**
     * True when the step may change a message's metadata in place. The chain then keeps a copy of each input's
     * metadata for error records; when no step does, it keeps a reference and saves a map copy per message.
     */
    default boolean changesMetadata() {
        return false;
    }
}
