package io.dataflow.flink.runtime;

import io.dataflow.flink.manifest.RouteSpec;
import io.dataflow.flink.manifest.TransformationSpec;
import io.dataflow.flink.message.ErrorEnvelope;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.message.SourceRejections;
import io.dataflow.flink.message.MessageTypeInfo;
import io.dataflow.flink.transform.TransformChain;
import io.dataflow.flink.transform.builtin.RouterTransformer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the transformation chain on each record and sends every output where it belongs: the route sink's side
 * output when a router tagged it, else the main output (main sink). A record that fails in a step goes to the
 * {@link #ERRORS} side output as the original's error envelope when the manifest has an error sink; without one it
 * is logged (reason only, never the payload), counted and dropped, as the original does. So is a record its source
 * could not decode ({@link SourceRejections}), without running the chain.
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

    private transient TransformChain chain;
    private transient TransformMetrics metrics;
    private transient Map<String, Integer> routeByCondition;
    private transient OutputTag<Message>[] routeTags;
    private transient Emitter emitter;

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
        metrics = new TransformMetrics(getRuntimeContext().getMetricGroup(), steps, routes.size());
        chain = TransformChain.create(steps, metrics);
        routeByCondition = new HashMap<>();
        routeTags = new OutputTag[routes.size()];
        for (int i = 0; i < routes.size(); i++) {
            RouteSpec route = routes.get(i);
            // First route wins for a repeated condition: it is also the first one the router matches.
            routeByCondition.putIfAbsent(route.condition(), i);
            routeTags[i] = routeTag(route.index());
        }
        emitter = new Emitter();
    }

    @Override
    public void processElement(Message value, Context ctx, Collector<Message> out) {
        metrics.recordsIn.inc();
        emitter.start(ctx, out);
        String rejected = SourceRejections.reason(value);
        if (rejected != null) {
            emitter.failed(SourceRejections.unmarked(value), -1, rejected);
            return;
        }
        chain.process(value, emitter);
        if (emitter.outputs == 0 && !emitter.failed) {
            metrics.recordsFiltered.inc();
        }
    }

    /** Reused for every record: the chain calls it synchronously. */
    private final class Emitter implements TransformChain.Output {
        private Context ctx;
        private Collector<Message> out;
        private int outputs;
        private boolean failed;

        void start(Context ctx, Collector<Message> out) {
            this.ctx = ctx;
            this.out = out;
            this.outputs = 0;
            this.failed = false;
        }

        @Override
        public void emit(Message message) {
            outputs++;
            metrics.recordsOut.inc();
            Object routed = routes.isEmpty() ? null : message.metadata(RouterTransformer.ROUTED_CONDITION);
            Integer route = routed == null ? null : routeByCondition.get(routed.toString());
            if (route != null) {
                metrics.routed[route].inc();
                ctx.output(routeTags[route], message);
            } else {
                metrics.toMainSink.inc();
                out.collect(message);
            }
        }

        @Override
        public void failed(Message input, int index, String reason) {
            failed = true;
            metrics.recordsFailed.inc();
            if (hasErrorSink) {
                ctx.output(ERRORS, ErrorEnvelope.of(input, reason, mainSinkType, Instant.now()));
            } else {
                LOG.warn("Dropping a record that failed in a transformation (no error sink configured): {}", reason);
            }
        }
    }
}
