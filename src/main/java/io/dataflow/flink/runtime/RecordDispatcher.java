package io.dataflow.flink.runtime;

import io.dataflow.flink.manifest.RouteSpec;
import io.dataflow.flink.message.ErrorEnvelope;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.message.SourceRejections;
import io.dataflow.flink.transform.TransformChain;
import io.dataflow.flink.transform.builtin.RouterTransformer;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides where each result of the transformation chain goes — the main sink, a route's sink (when the router
 * tagged it), the error sink or nowhere (filtered out) — without Flink, so that {@link TransformFunction} and the
 * server-free {@code test} command share one code path. A record that fails in a step becomes the error envelope
 * of the record as it entered the chain when the manifest has an error sink; without one, the job drops it. So is a
 * record its source could not decode ({@link SourceRejections}), without running the chain.
 *
 * <p>Not thread-safe; one instance per operator subtask, like the chain.
 */
public final class RecordDispatcher {

    /** Where the dispatcher sends outcomes; called synchronously, zero or more times per record. */
    public interface Targets {

        void toMainSink(Message message);

        /** @param position the route's position in the manifest's list of routes */
        void toRoute(int position, Message message);

        /** A failed record, with an error sink: {@code envelope} is what the error sink receives. */
        void toErrors(Message original, String reason, Message envelope);

        /** A failed record without an error sink: the job counts and drops it. */
        void dropped(Message original, String reason);

        /** The chain produced nothing for this record and nothing failed. */
        void filtered();
    }

    private final TransformChain chain;
    private final boolean hasRoutes;
    private final Map<String, Integer> routeByCondition = new HashMap<>();
    private final String mainSinkType;
    private final boolean hasErrorSink;
    private final Emitter emitter = new Emitter();

    public RecordDispatcher(TransformChain chain, List<RouteSpec> routes, String mainSinkType, boolean hasErrorSink) {
        this.chain = chain;
        this.hasRoutes = !routes.isEmpty();
        this.mainSinkType = mainSinkType;
        this.hasErrorSink = hasErrorSink;
        for (int i = 0; i < routes.size(); i++) {
            // First route wins for a repeated condition: it is also the first one the router matches.
            routeByCondition.putIfAbsent(routes.get(i).condition(), i);
        }
    }

    public void dispatch(Message value, Targets targets) {
        emitter.start(targets);
        String rejected = SourceRejections.reason(value);
        if (rejected != null) {
            emitter.failed(SourceRejections.unmarked(value), -1, rejected);
            return;
        }
        chain.process(value, emitter);
        if (emitter.outputs == 0 && !emitter.failed) {
            targets.filtered();
        }
    }

    /** Reused for every record: the chain calls it synchronously. */
    private final class Emitter implements TransformChain.Output {
        private Targets targets;
        private int outputs;
        private boolean failed;

        void start(Targets targets) {
            this.targets = targets;
            this.outputs = 0;
            this.failed = false;
        }

        @Override
        public void emit(Message message) {
            outputs++;
            Object routed = hasRoutes ? message.metadata(RouterTransformer.ROUTED_CONDITION) : null;
            Integer route = routed == null ? null : routeByCondition.get(routed.toString());
            if (route != null) {
                targets.toRoute(route, message);
            } else {
                targets.toMainSink(message);
            }
        }

        @Override
        public void failed(Message input, int index, String reason) {
            failed = true;
            if (hasErrorSink) {
                targets.toErrors(input, reason, ErrorEnvelope.of(input, reason, mainSinkType, Instant.now()));
            } else {
                targets.dropped(input, reason);
            }
        }
    }
}
