package io.dataflow.flink.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dataflow.flink.compile.JobPlan;
import io.dataflow.flink.compile.OperatorPlan;
import io.dataflow.flink.manifest.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code plan MANIFEST}: the operators the job will have, with parallelism, uids and masked configs. */
@Command(name = "plan", mixinStandardHelpOptions = true, description = "Prints the Flink operators a manifest compiles to; secrets are masked.")
final class PlanCommand implements Callable<Integer> {

    @Mixin
    ManifestOptions options;

    @Option(names = "--json", description = "Print the plan as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Manifest manifest = options.load(spec.commandLine().getErr());
        if (manifest == null) {
            return 2;
        }
        ManifestOptions.printWarnings(manifest, spec.commandLine().getErr());
        JobPlan plan = JobPlan.of(manifest);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (json) {
            out.println(mapper.writeValueAsString(plan));
            return 0;
        }
        out.println("job: " + plan.jobName());
        for (OperatorPlan op : plan.operators()) {
            out.println();
            out.println(op.name());
            out.println("  uid:         " + op.uid());
            out.println("  parallelism: " + op.parallelism());
            out.println("  config:      " + mapper.writeValueAsString(op.config()).replace("\n", "\n  "));
        }
        return 0;
    }
}
