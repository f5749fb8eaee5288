package io.dataflow.flink.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code class-archive} as the CLI's help lists it. The command itself is the launcher's ({@link ClassArchiveWriter}):
 * it starts the job's JVM, so it can run only where the launcher runs, under {@code java -jar}. Reaching this class
 * means the jar was started some other way ({@code flink run}, a plain classpath).
 */
@Command(name = ClassDataArchive.COMMAND, mixinStandardHelpOptions = true,
        description = {"Writes the class-data archive beside the jar that makes `java -jar … run` start faster (the build and",
                "the image do it; run it again after copying the jar elsewhere). Only under `java -jar`."})
final class ClassArchiveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: class-archive runs only under `java -jar dataflow-flink.jar class-archive`:"
                + " it starts the JVM it trains");
        return 2;
    }
}
