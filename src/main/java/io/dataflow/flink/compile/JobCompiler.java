package io.dataflow.flink.compile;

import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.manifest.ConnectorSpec;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.RouteSpec;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.message.MessageTypeInfo;
import io.dataflow.flink.metrics.JobLabels;
import io.dataflow.flink.runtime.SinkCommitterOperator;
import io.dataflow.flink.runtime.SinkWriterOperator;
import io.dataflow.flink.runtime.SourceFunctionWrapper;
import io.dataflow.flink.runtime.TransformFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a validated {@link Manifest} into a Flink job graph on the given environment, following its
 * {@link JobPlan} (same uids, names and parallelism as {@code plan} shows):
 *
 * <pre>
 * source ─► transform ─► sink ─────────────┐ (records the sink refused)
 *              ├─ route i side output ─► route i sink ─┤
 *              └─ errors side output ──────────────────┴─► error sink
 * </pre>
 *
 * A single-reader source (polling, CDC) at {@code replicas} above 1 runs at parallelism 1 and hands its records to the
 * transformations and sinks partitioned by {@link RowKey}; a Kafka source runs at {@code replicas} and stays chained.
 *
 * A sink whose type has a committer (Iceberg, Nessie) also sends its writers' committables on a side output to one
 * committer operator at parallelism 1, which commits once per completed checkpoint.
 *
 * Does no I/O: connectors connect in their operators' {@code open()}, so {@code main()} stays free of side effects
 * (it may run again after a JobManager failover).
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
        requireCheckpointingWhereNeeded(manifest, env);
        Uids uids = new Uids(manifest.name());
        // Records are handed between chained operators without copies; our operators never keep or reuse an
        // input after passing it on, which is what object reuse requires.
        env.getConfig().enableObjectReuse();
        // Every record type has its own serializer; a Kryo fallback would be a silent slowdown, so forbid it.
        env.getConfig().disableGenericTypes();
        env.setParallelism(manifest.settings().parallelism());
        // The labels of the original's dataflow_* series, read back by every operator (io.dataflow.flink.metrics).
        Map<String, String> parameters = new HashMap<>(env.getConfig().getGlobalJobParameters().toMap());
        parameters.putAll(JobLabels.parameters(manifest));
        env.getConfig().setGlobalJobParameters(Configuration.fromMap(parameters));
        boolean hasErrorSink = manifest.errors().isPresent();

        OperatorPlan sourcePlan = plan.operator("source");
        DataStream<Message> stream = env
                .addSource(new SourceFunctionWrapper(manifest.source(), manifest.name(), manifest.settings().checkpointReset(),
                        manifest.settings().maintenance().window()), sourcePlan.name(), MessageTypeInfo.INSTANCE)
                .uid(sourcePlan.uid())
                .setParallelism(sourcePlan.parallelism());
        if (afterSource != null) {
            // at the source's parallelism, chained to it: a probe never changes how records are distributed
            stream = stream.map(afterSource, MessageTypeInfo.INSTANCE).name("probe").uid(uids.flow() + "-probe")
                    .setParallelism(sourcePlan.parallelism());
        }
        if (sourcePlan.parallelism() < manifest.settings().parallelism()) {
            // One reader (polling cursor, replication slot) feeding replicas: every record of a row goes to one subtask,
            // in the order read, so a row's last change is the one its sink writes last. A partitioning, not an
            // operator: the uids and state of every operator stay as at replicas: 1.
            stream = stream.partitionCustom(new RowKeyPartitioner(), new RowKey());
        }

        List<DataStream<Message>> failed = new ArrayList<>();
        List<DataStream<Message>> routeStreams = new ArrayList<>();
        if (!manifest.transformations().isEmpty()) {
            OperatorPlan transformPlan = plan.operator("transform");
            SingleOutputStreamOperator<Message> transformed = stream
                    .process(new TransformFunction(manifest.transformations(), manifest.routes(), manifest.sink().type(), hasErrorSink),
                            MessageTypeInfo.INSTANCE)
                    .name(transformPlan.name())
                    .uid(transformPlan.uid())
                    .setParallelism(transformPlan.parallelism());
            failed.add(transformed.getSideOutput(TransformFunction.ERRORS));
            for (RouteSpec route : manifest.routes()) {
                routeStreams.add(transformed.getSideOutput(TransformFunction.routeTag(route.index())));
            }
            stream = transformed;
        }

        for (int i = 0; i < manifest.routes().size(); i++) {
            RouteSpec route = manifest.routes().get(i);
            OperatorPlan routePlan = plan.operators().stream().filter(o -> o.uid().equals(uids.routeSink(route.index())))
                    .findFirst().orElseThrow();
            failed.add(sink(routeStreams.get(i), route.sink(), routePlan, plan, manifest, "route-" + route.index() + "-sink", hasErrorSink));
        }
        failed.add(sink(stream, manifest.sink(), plan.operator("sink"), plan, manifest, "sink", hasErrorSink));

        manifest.errors().ifPresent(errorSink -> {
            DataStream<Message> errors = failed.get(0);
            for (DataStream<Message> more : failed.subList(1, failed.size())) {
                errors = errors.union(more);
            }
            OperatorPlan errorsPlan = plan.operator("error-sink");
            SingleOutputStreamOperator<Message> written = errors.transform(errorsPlan.name(), MessageTypeInfo.INSTANCE,
                            new SinkWriterOperator(errorSink.sink(), manifest.name(), "errors", false))
                    .uid(errorsPlan.uid())
                    .setParallelism(errorsPlan.parallelism());
            committer(written, errorSink.sink(), errorsPlan, plan, manifest, "errors");
        });
        return plan;
    }

    /** Exactly-once sinks commit when a checkpoint completes: without checkpoints they would never commit. */
    private static void requireCheckpointingWhereNeeded(Manifest manifest, StreamExecutionEnvironment env) {
        if (env.getCheckpointConfig().isCheckpointingEnabled()) {
            return;
        }
        List<ConnectorSpec> sinks = new ArrayList<>();
        sinks.add(manifest.sink());
        manifest.routes().forEach(route -> sinks.add(route.sink()));
        manifest.errors().ifPresent(errors -> sinks.add(errors.sink()));
        ValidationErrors errors = new ValidationErrors();
        for (ConnectorSpec sink : sinks) {
            ConnectorRegistry.sink(sink.type()).fieldRequiringCheckpointing(sink.config()).ifPresent(path -> errors.add(path,
                    "needs checkpointing: the sink commits its writes when a checkpoint completes; enable it "
                            + "(checkpointSaveInterval, --checkpoint-interval or execution.checkpointing.interval)"));
        }
        errors.throwIfAny();
    }

    /** A sink operator (and its committer, if it has one); its output carries the records the target refused, as error envelopes. */
    private static DataStream<Message> sink(DataStream<Message> input, ConnectorSpec spec, OperatorPlan sinkPlan, JobPlan plan,
                                            Manifest manifest, String role, boolean hasErrorSink) {
        SingleOutputStreamOperator<Message> written = input.transform(sinkPlan.name(), MessageTypeInfo.INSTANCE,
                        new SinkWriterOperator(spec, manifest.name(), role, hasErrorSink))
                .uid(sinkPlan.uid())
                .setParallelism(sinkPlan.parallelism());
        committer(written, spec, sinkPlan, plan, manifest, role);
        return written;
    }

    /** The writers' committables all go to one committer, which commits once per completed checkpoint. */
    private static void committer(SingleOutputStreamOperator<Message> written, ConnectorSpec spec, OperatorPlan sinkPlan,
                                  JobPlan plan, Manifest manifest, String role) {
        plan.committerOf(sinkPlan.uid()).ifPresent(committerPlan -> written.getSideOutput(SinkWriterOperator.COMMITTABLES)
                .transform(committerPlan.name(), MessageTypeInfo.INSTANCE, new SinkCommitterOperator(spec, manifest.name(), role))
                .uid(committerPlan.uid())
                .setParallelism(committerPlan.parallelism())
                .setMaxParallelism(1));
    }
}
