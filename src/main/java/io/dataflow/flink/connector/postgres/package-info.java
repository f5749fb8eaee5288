/**
 * Connector type {@code postgresql}: the sink of reference §4.2 (the polling source is not here yet).
 *
 * <h2>How a batch is written</h2>
 * {@link io.dataflow.flink.connector.postgres.PostgresSinkConnector} buffers records; a flush turns them into rows
 * ({@code SinkRowBuilder}), writes them in one transaction ({@code SinkBatchWriter}: COPY text format for plain
 * inserts, COPY into a temporary staging table merged by {@code INSERT … SELECT … ON CONFLICT} for upserts, UPDATEs for soft deletes) and commits. Values are
 * never part of SQL text: COPY data or bound parameters cast to the column's base type, so the server's own
 * input functions convert them (ISO strings into timestamps, JSON into jsonb) and a value that does not fit is an
 * error of its record. Identifiers are always quoted.
 *
 * <h2>Decisions where the original differs or the reference is open</h2>
 * <ul>
 *   <li><b>No silent duplicates</b> (reference §8.5): plain columnar inserts do not add
 *       {@code ON CONFLICT DO NOTHING}. A duplicate key is a refused record like a NOT NULL or CHECK violation.</li>
 *   <li><b>Refused records are found exactly</b>: on a data error (SQLSTATE class 22 or 23) the batch is
 *       re-run in halves under savepoints. With a {@link io.dataflow.flink.connector.RejectedRecordListener} the
 *       good rows are committed and each refused record is reported with its SQLSTATE and the server's primary
 *       message (never DETAIL, which quotes the row). Without one the flush fails naming the record's position
 *       and nothing of the batch is committed. Records that cannot become rows (not JSON, not an object, no known
 *       column) are refused the same way; the original skipped them without an ack.</li>
 *   <li><b>Fields without a column</b> are left out with one info log per name (the original's statement would
 *       fail the whole batch with "column does not exist"); a record none of whose fields is a column is
 *       refused. A batch writes the union of its records' columns; a record without a field stores NULL there
 *       (the original wrote each record's own columns, leaving defaults or, on upsert, old values).</li>
 *   <li><b>Pre-wrapped bodies</b> ({@code {"value": …, "_metadata": …}}) are unwrapped only in rawMode, as
 *       §4.0 describes; in columnar mode such a body is an object with a field {@code value}.</li>
 *   <li><b>Upserts</b>: duplicates of a key within a batch keep the last record (strategy {@code always}); with
 *       {@code ifNewer} repeated keys go into successive statements so the database compares versions. A NULL
 *       version never wins. Auto-created tables get a UNIQUE constraint on a conflict key other than {@code id}
 *       (without it PostgreSQL refuses {@code ON CONFLICT}). In raw and document mode the rows have no key of their
 *       own, so upserts apply only when the conflict key is a flattened metadata column; otherwise rows are
 *       appended, which is what the original's statement amounted to.</li>
 *   <li><b>Soft deletes</b> take the key from metadata {@code id}, else the body's conflict-key field, else its
 *       {@code id}; without one the record is inserted. They are not applied in rawMode, where {@code id} is a
 *       SERIAL unrelated to the record: there a delete event is stored like any other record.</li>
 *   <li><b>Flattened metadata types</b>: bool, int, bigint, double precision, text as in the original, plus
 *       timestamptz for instants (Kafka {@code timestamp}) and jsonb for maps/lists (Kafka {@code headers}).</li>
 *   <li><b>Document mode</b> (table with a {@code data jsonb} column, not rawMode) is decided from the table's
 *       shape only, so it is the same after every restart.</li>
 *   <li><b>Failures</b> other than data errors fail the flush with the table, the SQLSTATE and the server's
 *       message; the buffer is dropped because Flink replays from the last checkpoint.</li>
 * </ul>
 */
package io.dataflow.flink.connector.postgres;
