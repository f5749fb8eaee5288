package io.dataflow.flink.runtime;

import io.dataflow.flink.manifest.RouteSpec;
import io.dataflow.flink.transform.TransformationSpec;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.message.MessageTypeInfo;
import io.dataflow.flink.metrics.JobLabels;
import io.dataflow.flink.transform.TransformChain;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Runs the transformation chain on each record and sends every output where it belongs: the route sink's side
 * output when a router tagged it, else the main output (main sink). A record that fails in a step goes to the
 * {@link #ERRORS} side output as the original's error envelope when the manifest has an error sink; without one it
 * is logged (reason only, never the payload), counted and dropped, as the original does. So is a record its source
 * could not decode ({@code SourceRejections}), without running the chain. Where each outcome goes is decided by
 * {@link RecordDispatcher}, which the server-free {@code test} command shares.
 */
public final class TransformFunction extends ProcessFunction<Message, Message> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TransformFunction.class);

    /** Failed records, already wrapped in the error envelope. */
    public static final OutputTag<Message> ERRORS = new OutputTag<>("errors", MessageTypeInfo.INSTANCE);

    private final List<TransformationSpec> steps;
    private final List<RouteSpec> routes;
    private final String mainSinkType;
    private final boolean hasErrorSink;

    private transient TransformMetrics metrics;
    private transient RecordDispatcher dispatcher;
    private transient OutputTag<Message>[] routeTags;
    private transient FlinkTargets targets;

    public TransformFunction(List<TransformationSpec> steps, List<RouteSpec> routes, String mainSinkType, boolean hasErrorSink) {
        this.steps = List.copyOf(steps);
        this.routes = List.copyOf(routes);
        this.mainSinkType = mainSinkType;
        this.hasErrorSink = hasErrorSink;
    }

    /** The side output of route {@code index}; the compiler connects it to that route's sink. */
    public static OutputTag<Message> routeTag(int index) {
        return new OutputTag<>("route-" + index, MessageTypeInfo.INSTANCE);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(OpenContext openContext) {
        JobLabels labels = JobLabels.of(getRuntimeContext().getGlobalJobParameters(), getRuntimeContext().getJobInfo().getJobName());
        metrics = new TransformMetrics(getRuntimeContext().getMetricGroup(), labels, steps, routes.size());
        dispatcher = new RecordDispatcher(TransformChain.create(steps, metrics), routes, mainSinkType, hasErrorSink);
        routeTags = new OutputTag[routes.size()];
        for (int i = 0; i < routes.size(); i++) {
            routeTags[i] = routeTag(routes.get(i).index());
        }
        targets = new FlinkTargets();
    }

    @Override
    public void processElement(Message value, Context ctx, Collector<Message> out) {
        metrics.recordsIn.inc();
        targets.ctx = ctx;
        targets.out = out;
        long start = System.nanoTime();
        dispatcher.dispatch(value, targets);
        metrics.processingDuration.observeNanos(System.nanoTime() - start);
    }

    /** The dispatcher's outcomes as Flink outputs and metrics; reused for every record. */
    private final class FlinkTargets implements RecordDispatcher.Targets {
        private Context ctx;
        private Collector<Message> out;

        @Override
        public void toMainSink(Message message) {
            metrics.recordsOut.inc();
            metrics.toMainSink.inc();
            out.collect(message);
        }

        @Override
        public void toRoute(int position, Message message) {
            metrics.recordsOut.inc();
            metrics.routed[position].inc();
            ctx.output(routeTags[position], message);
        }

        @Override
        public void toErrors(Message original, String reason, Message envelope) {
            metrics.recordsFailed.inc();
            ctx.output(ERRORS, envelope);
        }

        @Override
        public void dropped(Message original, String reason) {
            metrics.recordsFailed.inc();
            LOG.warn("Dropping a record that failed in a transformation (no error sink configured): {}", reason);
        }

        @Override
        public void filtered() {
            metrics.recordsFiltered.inc();
        }
    }
}
