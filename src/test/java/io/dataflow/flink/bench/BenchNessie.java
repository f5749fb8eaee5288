package io.dataflow.flink.bench;

import io.dataflow.flink.connector.iceberg.IcebergHadoop;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.nessie.NessieCatalog;
import org.apache.iceberg.types.Types;

import java.util.Map;

/**
 * The kafka-to-nessie scenario's table: the events' columns as an unpartitioned Iceberg table in the Nessie
 * catalog (branch main, local file warehouse), created before each contender runs and purged after its count.
 * Every contender (DataFlow's columnar sink, Iceberg's FlinkSink, the raw Iceberg API) writes this same schema.
 */
final class BenchNessie implements AutoCloseable {

    static final Schema SCHEMA = new Schema(
            Types.NestedField.optional(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "user_id", Types.LongType.get()),
            Types.NestedField.optional(3, "status", Types.StringType.get()),
            Types.NestedField.optional(4, "amount", Types.DecimalType.of(10, 2)),
            Types.NestedField.optional(5, "email", Types.StringType.get()),
            Types.NestedField.optional(6, "country", Types.StringType.get()),
            Types.NestedField.optional(7, "payload", Types.StringType.get()));

    private final NessieCatalog catalog;

    BenchNessie(String baseUrl, String warehouse) {
        catalog = open(baseUrl, warehouse);
    }

    /** The catalog every contender opens: Nessie's API v2 on branch main, Hadoop's local file IO. */
    static Map<String, String> catalogProperties(String baseUrl, String warehouse) {
        return Map.of("uri", baseUrl + "/api/v2", "client-api-version", "2", "ref", "main", "warehouse", warehouse,
                "io-impl", "org.apache.iceberg.hadoop.HadoopFileIO");
    }

    static NessieCatalog open(String baseUrl, String warehouse) {
        NessieCatalog catalog = new NessieCatalog();
        catalog.setConf(IcebergHadoop.configuration());
        catalog.initialize("nessie", catalogProperties(baseUrl, warehouse));
        return catalog;
    }

    void createTable(String namespace, String table) {
        if (!catalog.namespaceExists(Namespace.of(namespace))) {
            try {
                catalog.createNamespace(Namespace.of(namespace));
            } catch (AlreadyExistsException e) {
                // created by someone else in between
            }
        }
        catalog.createTable(TableIdentifier.of(namespace, table), SCHEMA, PartitionSpec.unpartitioned());
    }

    /** Rows in the table's current snapshot, from the snapshot summary every Iceberg append maintains. */
    long count(String namespace, String table) {
        Table t = catalog.loadTable(TableIdentifier.of(namespace, table));
        Snapshot current = t.currentSnapshot();
        return current == null ? 0 : Long.parseLong(current.summary().getOrDefault("total-records", "0"));
    }

    /** Where the table's data files go: Iceberg's default data location, {@code <table location>/data}. */
    java.nio.file.Path dataDirectory(String namespace, String table) {
        return java.nio.file.Path.of(java.net.URI.create(catalog.loadTable(TableIdentifier.of(namespace, table)).location() + "/data"));
    }

    void drop(String namespace, String table) {
        catalog.dropTable(TableIdentifier.of(namespace, table), true);
    }

    @Override
    public void close() throws Exception {
        catalog.close();
    }
}
