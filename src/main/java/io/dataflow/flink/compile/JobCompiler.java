package io.dataflow.flink.compile;

import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.message.MessageTypeInfo;
import io.dataflow.flink.runtime.SinkFunctionWrapper;
import io.dataflow.flink.runtime.SourceFunctionWrapper;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Turns a validated {@link Manifest} into a Flink job graph on the given environment, following its
 * {@link JobPlan} (same uids, names and parallelism as {@code plan} shows). Does no I/O: connectors connect in
 * their operators' {@code open()}, so {@code main()} stays free of side effects (it may run again after a
 * JobManager failover).
 */
public final class JobCompiler {

    private final MapFunction<Message, Message> afterSource;

    private JobCompiler(MapFunction<Message, Message> afterSource) {
        this.afterSource = afterSource;
    }

    public static JobCompiler create() {
        return new JobCompiler(null);
    }

    /**
     * A compiler that puts {@code function} right after the source (its own operator, uid {@code <flow>-probe}).
     * For tests that inject failures or observe records; never used by the CLI.
     */
    public static JobCompiler withProbeAfterSource(MapFunction<Message, Message> function) {
        return new JobCompiler(function);
    }

    public JobPlan compile(Manifest manifest, StreamExecutionEnvironment env) {
        JobPlan plan = JobPlan.of(manifest);
        Uids uids = new Uids(manifest.name());
        // Records are handed between chained operators without copies; our operators never keep or reuse an
        // input after passing it on, which is what object reuse requires.
        env.getConfig().enableObjectReuse();
        // Every record type has its own serializer; a Kryo fallback would be a silent slowdown, so forbid it.
        env.getConfig().disableGenericTypes();
        env.setParallelism(manifest.settings().parallelism());

        OperatorPlan sourcePlan = plan.operator("source");
        DataStream<Message> stream = env
                .addSource(new SourceFunctionWrapper(manifest.source(), manifest.name()), sourcePlan.name(), MessageTypeInfo.INSTANCE)
                .uid(sourcePlan.uid())
                .setParallelism(sourcePlan.parallelism());
        if (afterSource != null) {
            stream = stream.map(afterSource, MessageTypeInfo.INSTANCE).name("probe").uid(uids.flow() + "-probe");
        }
        OperatorPlan sinkPlan = plan.operator("sink");
        stream.addSink(new SinkFunctionWrapper(manifest.sink(), manifest.name(), "sink"))
                .name(sinkPlan.name())
                .uid(sinkPlan.uid())
                .setParallelism(sinkPlan.parallelism());
        return plan;
    }
}
