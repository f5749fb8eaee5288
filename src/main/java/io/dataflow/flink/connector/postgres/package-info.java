/**
 * Connector type {@code postgresql} (docs/ORIGINAL.md#postgresql): the sink, and the polling source ({@code PostgresPollingSource}); the CDC source is in {@code cdc}.
 *
 * <h2>How a batch is written</h2>
 * {@link io.dataflow.flink.connector.postgres.PostgresSinkConnector} buffers records; a flush turns them into rows
 * ({@code SinkRowBuilder}), writes them in one transaction ({@code SinkBatchWriter}: COPY text format for plain
 * inserts, COPY into a temporary staging table merged by {@code INSERT … SELECT … ON CONFLICT} for upserts and for
 * plain inserts into a keyed table, UPDATEs for soft deletes) and commits. Values are
 * never part of SQL text: COPY data or bound parameters cast to the column's base type, so the server's own
 * input functions convert them (ISO strings into timestamps, JSON into jsonb) and a value that does not fit is an
 * error of its record. Identifiers are always quoted.
 *
 * <h2>Decisions where the original differs or the reference is open</h2>
 * <ul>
 *   <li><b>Duplicates on plain insert</b> (docs/ORIGINAL.md#known-defects-of-the-original): into a table with a primary key or unique index, plain
 *       inserts skip rows whose key is stored ({@code ON CONFLICT DO NOTHING}, as the original), so that a replay
 *       after a failure neither crash-loops nor fills the error sink; the skipped rows are counted in the metric
 *       {@code duplicateKeysSkipped}. {@code onDuplicateKey: refuse} makes a duplicate a refused record instead.</li>
 *   <li><b>Refused records are found exactly, then the good ones written at once</b>: on an error of the records'
 *       data (SQLSTATE class 22 or 23, or 54000 — a value beyond an index row's or a row's limit) the batch is
 *       re-run in halves under savepoints, only to find the refused records; the transaction is rolled back and
 *       all the good rows are written by one write. With a {@link io.dataflow.flink.connector.RefusedRecordListener} the
 *       good rows are committed and each refused record is reported with its SQLSTATE and the server's primary
 *       message (never DETAIL, which quotes the row). Without one the flush fails naming the record's position
 *       and nothing of the batch is committed. Records that cannot become rows (not JSON, not an object, no known
 *       column) are refused the same way; the original skipped them without an ack.</li>
 *   <li><b>Fields without a column</b> are left out with one info log per name (the original's statement would
 *       fail the whole batch with "column does not exist"); a record none of whose fields is a column is
 *       refused. A record never changes a column it does not carry: rows are written in groups of one column set
 *       (an insert leaves the others at their default, an upsert at their stored value), as the original's
 *       per-record statements did. The columns are read again when records carry fields they lack (a column added
 *       by ALTER TABLE is written without a restart).</li>
 *   <li><b>Pre-wrapped bodies</b> ({@code {"value": …, "_metadata": …}}) are unwrapped only in rawMode, as
 *       docs/ORIGINAL.md#shared-connector-behaviour describes; in columnar mode such a body is an object with a field {@code value}.</li>
 *   <li><b>Upserts</b>: records of one key within a batch combine, the later one's columns over the earlier one's
 *       (strategy {@code always}); with {@code ifNewer} repeated keys go into successive statements so the
 *       database compares versions. Keys are compared as the key column's type (uuid letter case, {@code 1} and
 *       {@code 1.0} in a numeric column are one key), so no batch fails with "ON CONFLICT DO UPDATE command cannot
 *       affect row a second time". A NULL
 *       version never wins. Auto-created tables get a UNIQUE constraint on a conflict key other than {@code id}
 *       (without it PostgreSQL refuses {@code ON CONFLICT}). In raw mode the rows have no key of their
 *       own, so upserts apply only when the conflict key is a flattened metadata column; otherwise rows are
 *       appended, which is what the original's statement amounted to.</li>
 *   <li><b>Soft deletes</b> take the key from metadata {@code id}, else the body's conflict-key field, else its
 *       {@code id}; without one the record is inserted. They are not applied in rawMode, where {@code id} is a
 *       SERIAL unrelated to the record: there a delete event is stored like any other record.</li>
 *   <li><b>Flattened metadata types</b>: bool, int, bigint, double precision, text as in the original, plus
 *       timestamptz for instants (Kafka {@code timestamp}) and jsonb for maps/lists (Kafka {@code headers}).</li>
 *   <li><b>Whole bodies only with rawMode</b>: the original also stored the whole body in {@code data} whenever
 *       the table had a {@code data jsonb} column, so a columnar table with such a column (one auto-created from a
 *       record with an object field {@code data}, for one) silently changed layout. Here only {@code rawMode: true}
 *       does; otherwise {@code data} is a column like any other.</li>
 *   <li><b>The staging table</b> is a temporary table with a fresh name, dropped at commit: behind a pooler in
 *       transaction mode no session keeps a stage of another writer's or an older shape.</li>
 *   <li><b>Failures</b> other than data errors fail the flush with the table, the SQLSTATE and the server's
 *       message; the buffer is dropped because Flink replays from the last checkpoint.</li>
 * </ul>
 */
package io.dataflow.flink.connector.postgres;
