/**
 * Transformations: one {@link io.dataflow.flink.transform.TransformerFactory} per manifest {@code type} (registered
 * in {@code META-INF/services}), declaring typed options and creating a {@link io.dataflow.flink.transform.Transformer}.
 *
 * <p>Conventions every transformation follows:
 * <ul>
 *   <li>Work on {@link io.dataflow.flink.message.Message#json()} (parsed once per chain) and call
 *       {@code setJson} after changing the tree; never re-serialize by hand.</li>
 *   <li>Payloads the original passes through unchanged (non-JSON, wrong root type) are returned as they are.</li>
 *   <li>A message the step cannot handle raises {@link io.dataflow.flink.transform.TransformException} with a
 *       reason naming the field; the chain sends it to the error sink.</li>
 *   <li>Paths are {@link io.dataflow.flink.transform.path.JsonPath}s, parsed once when the step is created and
 *       validated by the factory so a bad path is a manifest error, not a runtime one.</li>
 * </ul>
 */
package io.dataflow.flink.transform;
