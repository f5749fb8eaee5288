package io.dataflow.flink.config;

import java.util.List;
import java.util.stream.Collectors;

/** A manifest that cannot run: every problem found, each naming its field. Never carries secret values. */
public class ManifestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<ValidationErrors.Error> errors;

    public ManifestException(List<ValidationErrors.Error> errors) {
        super(errors.stream().map(ValidationErrors.Error::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public ManifestException(String path, String message) {
        this(List.of(new ValidationErrors.Error(path, message)));
    }

    public List<ValidationErrors.Error> errors() {
        return errors;
    }
}
