package io.dataflow.flink.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.config.ManifestException;
import io.dataflow.flink.config.ValidationErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code validate MANIFEST}: every error at once, each with its path; exit 0 when valid, 2 when not. */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Checks a manifest without running it (exit 0 valid, 2 invalid).")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    ManifestOptions options;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout, {\"valid\": …, \"errors\": [{\"path\": …, \"message\": …}]}, for editors and CI.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        return json ? validateAsJson() : validateAsText();
    }

    private int validateAsText() {
        Manifest manifest = options.load(spec.commandLine().getErr());
        if (manifest == null) {
            return 2;
        }
        ManifestOptions.printWarnings(manifest, spec.commandLine().getErr());
        spec.commandLine().getOut().println("valid: " + manifest.name() + " (" + manifest.source().type() + " -> "
                + manifest.transformations().size() + " transformation(s) -> " + manifest.sink().type() + ")");
        return 0;
    }

    /** The same errors as the text output (secrets already masked in their messages), as data; warnings stay on stderr. */
    private int validateAsJson() throws JsonProcessingException {
        List<ValidationErrors.Error> errors;
        try {
            ManifestOptions.printWarnings(options.parse(), spec.commandLine().getErr());
            errors = List.of();
        } catch (ManifestException e) {
            errors = e.errors();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("valid", errors.isEmpty());
        result.put("errors", errors.stream().map(error -> {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("path", error.path());
            entry.put("message", error.message());
            return entry;
        }).toList());
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(result));
        return errors.isEmpty() ? 0 : 2;
    }
}
