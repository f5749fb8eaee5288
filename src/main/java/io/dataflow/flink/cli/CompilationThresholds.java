package io.dataflow.flink.cli;

import java.util.List;

/**
 * The C2 compiler's thresholds in the job's JVM under {@code java -jar}: four times Java's defaults. A local run's
 * start-up calls thousands of methods (class loading, the MiniCluster's actors and RPC) just often enough to pass the
 * default thresholds, and compiling them with C2 cost about 0.9 of 5.7 s of CPU in a run with nothing to move,
 * for code that is done once it has started (docs/BENCHMARKS.md, seventh round). The per-record path's methods run
 * millions of times and reach C2 as before, a few thousand calls later. None when the user's JVM options choose
 * compilation themselves.
 */
final class CompilationThresholds {

    static final List<String> OPTIONS = List.of("-XX:Tier4InvocationThreshold=20000", "-XX:Tier4CompileThreshold=60000",
            "-XX:Tier4BackEdgeThreshold=160000");

    private static final List<String> USERS_OWN = List.of("-XX:Tier", "-XX:+TieredCompilation", "-XX:-TieredCompilation",
            "-XX:CompileThreshold", "-Xint", "-Xcomp");

    private CompilationThresholds() {
    }

    static List<String> options(List<String> jvmOptions) {
        boolean usersOwn = jvmOptions.stream().anyMatch(option -> USERS_OWN.stream().anyMatch(option::startsWith));
        return usersOwn ? List.of() : OPTIONS;
    }
}
