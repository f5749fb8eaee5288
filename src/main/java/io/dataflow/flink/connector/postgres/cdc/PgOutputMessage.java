package io.dataflow.flink.connector.postgres.cdc;

import java.util.List;

/**
 * The pgoutput (protocol version 1) messages the CDC source acts on, decoded by {@link PgOutputDecoder}. LSNs are
 * the server's 64-bit WAL positions; times are microseconds since 2000-01-01 UTC, as on the wire.
 */
sealed interface PgOutputMessage {

    /** A transaction starts; {@code finalLsn} is the LSN of its commit record. */
    record Begin(long finalLsn, long commitTimeMicros, int xid) implements PgOutputMessage {
    }

    /** The transaction ends; replication restarted at {@code endLsn} skips it. */
    record Commit(long commitLsn, long endLsn, long commitTimeMicros) implements PgOutputMessage {
    }

    /** A table's current shape; sent before the first change of a table and again after each ALTER TABLE. */
    record Relation(int id, String schema, String table, char replicaIdentity, List<Column> columns) implements PgOutputMessage {

        String qualifiedName() {
            return schema + "." + table;
        }
    }

    record Column(String name, int typeOid, boolean key) {
    }

    /**
     * A change. {@code oldTuple} is the old row when the server sent one: only its key columns ('K', replica identity
     * default or index; {@code oldIsKeyOnly}) or the full row ('O', replica identity full).
     */
    record Change(Operation operation, int relationId, Tuple oldTuple, boolean oldIsKeyOnly, Tuple newTuple) implements PgOutputMessage {
    }

    enum Operation { INSERT, UPDATE, DELETE }

    /** A TRUNCATE of the given relations (not replicated as row changes). */
    record Truncate(List<Integer> relationIds) implements PgOutputMessage {
    }

    /** Origin, type and logical-decoding messages: nothing to do for the source. */
    record Ignored(char tag) implements PgOutputMessage {
    }

    /** One row image: per column, its text value, {@code null} for SQL NULL, or {@link #UNCHANGED_TOAST}. */
    record Tuple(List<String> values) {

        /** Marker of a TOASTed value the update did not change, so the server did not send it. */
        static final String UNCHANGED_TOAST = new String("\u0000unchanged-toast");
    }
}
