package io.dataflow.flink.connector;

import io.dataflow.flink.message.Message;

import java.util.List;

/**
 * What one {@link SourceConnector#poll()} returns: the messages to emit, and the position change that becomes true
 * once they are emitted. The runtime emits the messages and calls {@link #markEmitted()} under Flink's checkpoint
 * lock, so a checkpoint never sees a position that is ahead of (or behind) what was emitted.
 */
public final class SourceBatch {

    private static final SourceBatch END = new SourceBatch(List.of(), () -> { }, true);
    private static final SourceBatch EMPTY = new SourceBatch(List.of(), () -> { }, false);

    private final List<Message> messages;
    private final Runnable onEmitted;
    private final boolean end;

    private SourceBatch(List<Message> messages, Runnable onEmitted, boolean end) {
        this.messages = messages;
        this.onEmitted = onEmitted;
        this.end = end;
    }

    /**
     * Messages plus the position update to apply once they have been emitted. With no messages it is a position
     * change alone (a CDC source passing an irrelevant transaction, a snapshot finishing a table on a page boundary).
     */
    public static SourceBatch of(List<Message> messages, Runnable onEmitted) {
        return new SourceBatch(messages, onEmitted, false);
    }

    /** Nothing this time; poll again. */
    public static SourceBatch empty() {
        return EMPTY;
    }

    /** A bounded source is exhausted: the runtime stops polling and the source finishes. */
    public static SourceBatch end() {
        return END;
    }

    public List<Message> messages() {
        return messages;
    }

    /** False only for {@link #empty()} and {@link #end()}: the runtime applies this batch's position change. */
    public boolean changesPosition() {
        return this != EMPTY && this != END;
    }

    public boolean isEnd() {
        return end;
    }

    public void markEmitted() {
        onEmitted.run();
    }
}
