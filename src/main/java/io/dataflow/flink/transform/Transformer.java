package io.dataflow.flink.transform;

import io.dataflow.flink.message.Message;

import java.util.List;

/**
 * One step of a transformation chain. It may change the message in place and return it, return new messages,
 * or return an empty list to drop it. It throws {@link TransformException} (and nothing else) for a message it
 * cannot handle; the chain sends that message to the error sink with the reason.
 */
@FunctionalInterface
public interface Transformer {

    List<Message> apply(Message message) throws TransformException;
}
