package io.dataflow.flink.cli;

import io.dataflow.flink.deploy.K8sDeployments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code k8s MANIFEST [--image IMAGE]}: prints the Kubernetes resources that run the manifest (docs/DEPLOYMENT.md).
 * The manifest's connection settings are moved into a Secret the output tells how to create, so nothing secret is
 * printed except the key names.
 */
@Command(name = "k8s", mixinStandardHelpOptions = true,
        description = "Prints the Kubernetes resources for a manifest: ConfigMap + FlinkDeployment (kind: DataFlow) "
                + "or ConfigMap + batch/v1 CronJob (kind: DataFlowCron).")
final class K8sCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MANIFEST", description = "The manifest (YAML).")
    Path manifest;

    // the default is the field's initial value: K8sDeployments.IMAGE carries the build's version, not a constant
    @Option(names = "--image", paramLabel = "IMAGE",
            description = "The image built from the Dockerfile (default: ${DEFAULT-VALUE}).")
    String image = K8sDeployments.IMAGE;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(manifest)) {
            spec.commandLine().getErr().println("error: " + manifest + ": no such file");
            return 2;
        }
        try {
            spec.commandLine().getOut().print(K8sDeployments.generate(manifest, image).yaml());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
    }
}
