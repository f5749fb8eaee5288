package io.dataflow.flink.message;

/**
 * A source passes on a record it cannot turn into a message (an Avro value that does not decode) marked with the
 * reason instead of failing: its position still advances, so a bad record can never put the job into a restart loop.
 * The first operator after the source that can route — the transformation step, else the sink operator — sends it
 * to the error sink with that reason, or counts and drops it when there is none. The mark never reaches a target.
 */
public final class SourceRejections {

    /** Metadata key of the mark; its value is the reason. */
    static final String KEY = "dataflow.sourceRejection";

    private SourceRejections() {
    }

    public static Message reject(Message message, String reason) {
        return message.putMetadata(KEY, reason);
    }

    /** The reason a source rejected this message, or null for a regular message. */
    public static String reason(Message message) {
        Object reason = message.metadata(KEY);
        return reason == null ? null : reason.toString();
    }

    /** The message without the mark, for the error envelope. */
    public static Message unmarked(Message message) {
        message.metadata().remove(KEY);
        return message;
    }
}
