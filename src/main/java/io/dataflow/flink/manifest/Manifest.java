package io.dataflow.flink.manifest;

import io.dataflow.flink.transform.TransformationSpec;

import io.dataflow.flink.config.SecretMasker;

import java.util.List;
import java.util.Optional;

/**
 * A validated manifest: everything the job compiler needs, nothing unchecked. Built only by
 * {@link ManifestParser}, which reports every problem at once before anything runs.
 *
 * @param name            job name: {@code metadata.name} of a {@code kind: DataFlow} resource, else the file name
 * @param namespace       {@code metadata.namespace}, else {@code default} (where Kubernetes puts a resource without one);
 *                        the metrics carry it as the original's do
 * @param routes          routes of the {@code router} step, if there is one (in order)
 * @param warnings        original fields that mean something else (or nothing) on Flink, said out loud
 * @param masker          masks every secret this manifest resolved
 */
public record Manifest(
        String name,
        String namespace,
        ConnectorSpec source,
        List<TransformationSpec> transformations,
        List<RouteSpec> routes,
        ConnectorSpec sink,
        ErrorSinkSpec errorSink,
        JobSettings settings,
        List<String> warnings,
        SecretMasker masker) {

    public Optional<ErrorSinkSpec> errors() {
        return Optional.ofNullable(errorSink);
    }
}
