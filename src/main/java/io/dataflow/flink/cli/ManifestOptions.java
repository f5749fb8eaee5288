package io.dataflow.flink.cli;

import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.config.ManifestException;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.manifest.SecretResolver;
import io.dataflow.flink.config.ValidationErrors;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** The manifest argument and secret options shared by every command, and the one way to load a manifest. */
final class ManifestOptions {

    @Parameters(index = "0", paramLabel = "MANIFEST", description = "Manifest file (YAML or JSON): a bare spec or a kind: DataFlow resource.")
    Path manifest;

    @Option(names = "--secrets-dir", paramLabel = "DIR",
            description = "Where *SecretRef {name, key} files live as DIR/name/key (default: $DATAFLOW_SECRETS_DIR, else /etc/dataflow/secrets).")
    String secretsDir;

    /** Loads and validates; on failure prints every error with its path and returns null. */
    Manifest load(PrintWriter err) {
        if (!Files.isRegularFile(manifest)) {
            err.println("invalid manifest " + manifest + ":\n  file not found");
            return null;
        }
        try {
            return parse();
        } catch (ManifestException e) {
            err.println("invalid manifest " + manifest + " (" + e.errors().size() + " error" + (e.errors().size() == 1 ? "" : "s") + "):");
            for (ValidationErrors.Error error : e.errors()) {
                err.println("  " + error);
            }
            return null;
        }
    }

    /**
     * Loads and validates; a manifest that cannot run throws with every error, a missing file as one error without a
     * path. The messages never hold secret values (see {@link ManifestException}).
     */
    Manifest parse() {
        if (!Files.isRegularFile(manifest)) {
            throw new ManifestException("", "file not found");
        }
        return ManifestParser.forEnvironment(SecretResolver.secretsDir(secretsDir, System::getenv)).parse(manifest);
    }

    static void printWarnings(Manifest manifest, PrintWriter err) {
        for (String w : manifest.warnings()) {
            err.println("warning: " + w);
        }
    }
}
