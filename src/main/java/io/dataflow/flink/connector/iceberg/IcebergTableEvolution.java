package io.dataflow.flink.connector.iceberg;

import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Applies a record's {@link SchemaFit} to the table's Iceberg schema (schemaEvolution: evolve), from the writer that
 * met the record, before it writes the record: a data file is written against one schema, so the new column must be
 * in the table's schema before any file holding it exists, and a committed schema is what lets the committer append
 * the file (it refreshes the table before every commit). Several writers meet the same new field at about the same
 * time: each refreshes the table first and changes only what is still missing; a schema commit that loses the race
 * to another writer's schema change or to the committer's append (Iceberg's optimistic concurrency: Nessie's
 * conflict, the REST catalog's failed requirement — both a {@link CommitFailedException}) refreshes and tries again,
 * so the writers that lost go on writing instead of failing.
 */
final class IcebergTableEvolution {

    private static final Logger LOG = LoggerFactory.getLogger(IcebergTableEvolution.class);
    private static final int ATTEMPTS = 8;

    private IcebergTableEvolution() {
    }

    /** Changes {@code table} until its schema holds {@code fit}; {@code table} is current afterwards. */
    static void apply(Table table, SchemaFit fit) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            table.refresh();
            SchemaFit remaining = fit.remainingFor(table.schema());
            if (!remaining.needsEvolution()) {
                return;
            }
            UpdateSchema update = table.updateSchema();
            // a top-level column whose name may hold dots: addColumn(name, type) would read them as nesting
            remaining.added().forEach((name, type) -> update.addColumn(null, name, type));
            remaining.widened().forEach(update::updateColumn);
            try {
                update.commit();
                table.refresh();
                LOG.info("Iceberg table {} evolved: added={} widened={}", table.name(), remaining.added(),
                        remaining.widened());
                return;
            } catch (CommitFailedException | CommitStateUnknownException e) {
                if (attempt >= ATTEMPTS) {
                    throw new IOException("Iceberg table " + table.name() + ": evolving the schema (schemaEvolution: "
                            + "evolve) failed " + attempt + " times: " + e.getMessage(), e);
                }
                LOG.info("Iceberg table {} changed concurrently while evolving its schema ({}); refreshing and retrying",
                        table.name(), e.getMessage());
                Thread.sleep(50L * attempt);
            }
        }
    }
}
