package io.dataflow.flink.transform;

import io.dataflow.flink.message.Message;
import io.dataflow.flink.transform.condition.Condition;
import io.dataflow.flink.transform.condition.ConditionParseException;

import java.util.ArrayList;
import java.util.List;

/**
 * The manifest's transformations in order, applied to one message at a time. Each step may return 0..N messages;
 * every output continues through the remaining steps. A step whose {@code when} is false passes the message on
 * unchanged. A step that throws {@link TransformException} ends that branch: the chain reports the failure with the
 * step's index and type, and the other branches of the same input go on.
 *
 * <p>Not thread-safe; one instance per operator subtask.
 */
public final class TransformChain {

    /** Where the chain's results go. */
    public interface Output {

        void emit(Message message);

        /**
         * A branch failed at step {@code index}.
         *
         * @param input  the message as it entered the chain (payload and metadata as read from the source)
         * @param reason {@code transformations[i] (type): <why>}, without payload values
         */
        void failed(Message input, int index, String reason);
    }

    /** Per-step observations, for metrics; all methods are called on the processing thread. */
    public interface Observer {

        Observer NONE = new Observer() {
        };

        default void stepApplied(int index, int outputs, long nanos) {
        }

        default void stepSkipped(int index) {
        }

        default void stepFailed(int index) {
        }
    }

    private final Step[] steps;
    private final Observer observer;
    private final boolean copyMetadata;

    private TransformChain(List<Step> steps, Observer observer, boolean copyMetadata) {
        this.steps = steps.toArray(new Step[0]);
        this.observer = observer;
        this.copyMetadata = copyMetadata;
    }

    /** Builds the chain from validated specs; a spec that was not validated may fail here with IllegalArgumentException. */
    public static TransformChain create(List<TransformationSpec> specs, Observer observer) {
        List<Step> steps = new ArrayList<>();
        boolean copyMetadata = false;
        for (TransformationSpec spec : specs) {
            TransformerFactory factory = TransformRegistry.find(spec.type())
                    .orElseThrow(() -> new IllegalArgumentException("unknown transformation type " + spec.type()));
            Condition when = null;
            if (spec.when() != null) {
                try {
                    when = Condition.parse(spec.when());
                } catch (ConditionParseException e) {
                    throw new IllegalArgumentException("transformations[" + spec.index() + "].when: " + e.getMessage(), e);
                }
            }
            steps.add(new Step(spec.index(), spec.type(), when, factory.create(spec.config())));
            copyMetadata |= factory.changesMetadata();
        }
        return new TransformChain(steps, observer, copyMetadata);
    }

    public boolean isEmpty() {
        return steps.length == 0;
    }

    public void process(Message input, Output output) {
        if (steps.length == 0) {
            output.emit(input);
            return;
        }
        // The input as read, kept for the error record: the payload bytes are never changed in place (steps
        // replace the tree), so holding the array costs nothing; metadata is copied only when a step may change it.
        Message original = new Message(input.data(), copyMetadata ? new java.util.LinkedHashMap<>(input.metadata()) : input.metadata(),
                input.timestamp());
        run(0, input, original, output);
    }

    private void run(int from, Message message, Message original, Output output) {
        Message current = message;
        for (int i = from; i < steps.length; i++) {
            Step step = steps[i];
            if (step.when != null && !step.when.test(current)) {
                observer.stepSkipped(i);
                continue;
            }
            List<Message> results;
            long start = System.nanoTime();
            try {
                results = step.transformer.apply(current);
            } catch (TransformException | RuntimeException e) {
                // A RuntimeException is a bug or an unexpected payload shape in a step: it must not kill the job
                // either, so it fails this record like a TransformException, with its type so the report is actionable.
                String why = e instanceof TransformException ? e.getMessage()
                        : "unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                observer.stepFailed(i);
                output.failed(original, step.index, "transformations[" + step.index + "] (" + step.type + "): " + why);
                return;
            }
            observer.stepApplied(i, results.size(), System.nanoTime() - start);
            if (results.size() != 1) {
                for (Message branch : results) {
                    run(i + 1, branch, original, output);
                }
                return;
            }
            current = results.get(0);
        }
        output.emit(current);
    }

    private record Step(int index, String type, Condition when, Transformer transformer) {
    }
}
