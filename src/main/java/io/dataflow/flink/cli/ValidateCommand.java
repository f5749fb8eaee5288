package io.dataflow.flink.cli;

import io.dataflow.flink.manifest.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code validate MANIFEST}: every error at once, each with its path; exit 0 when valid, 2 when not. */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Checks a manifest without running it (exit 0 valid, 2 invalid).")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    ManifestOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Manifest manifest = options.load(spec.commandLine().getErr());
        if (manifest == null) {
            return 2;
        }
        ManifestOptions.printWarnings(manifest, spec.commandLine().getErr());
        spec.commandLine().getOut().println("valid: " + manifest.name() + " (" + manifest.source().type() + " -> "
                + manifest.transformations().size() + " transformation(s) -> " + manifest.sink().type() + ")");
        return 0;
    }
}
