package io.dataflow.flink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.nessie.NessieCatalog;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The test's Nessie server (started by {@code @RealServers(NESSIE)}): branches, a catalog, and table contents. */
public final class Nessie {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Nessie() {
    }

    public static String baseUrl() {
        return "http://127.0.0.1:" + RealServersExtension.port(Server.NESSIE);
    }

    /** A fresh local warehouse directory, as a file:// URI. */
    public static String newWarehouse() throws IOException {
        Path dir = Files.createTempDirectory("dataflow-it-warehouse-");
        return dir.toUri().toString();
    }

    /** Creates {@code name} from the head of main. */
    public static void createBranch(String name) throws Exception {
        JsonNode main = get("/api/v2/trees/main").get("reference");
        String body = JSON.writeValueAsString(Map.of("type", "BRANCH", "name", "main", "hash", main.get("hash").asText()));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v2/trees?name=" + name + "&type=BRANCH"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException("creating branch " + name + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Iceberg's Nessie catalog on {@code branch}, for test setup and assertions. */
    public static NessieCatalog catalog(String branch, String warehouse) {
        return catalog(baseUrl(), branch, warehouse);
    }

    /** The same on another Nessie server (a test's private instance). */
    public static NessieCatalog catalog(String baseUrl, String branch, String warehouse) {
        return catalog(baseUrl, branch, warehouse, Map.of("io-impl", "org.apache.iceberg.hadoop.HadoopFileIO"));
    }

    /** The same with other FileIO properties, e.g. {@link S3#fileIoProperties()} for an s3:// warehouse. */
    public static NessieCatalog catalog(String branch, String warehouse, Map<String, String> fileIo) {
        return catalog(baseUrl(), branch, warehouse, fileIo);
    }

    /** The same on another Nessie server with other FileIO properties. */
    public static NessieCatalog catalog(String baseUrl, String branch, String warehouse, Map<String, String> fileIo) {
        NessieCatalog catalog = new NessieCatalog();
        catalog.setConf(io.dataflow.flink.connector.iceberg.IcebergHadoop.configuration());
        Map<String, String> properties = new java.util.HashMap<>(fileIo);
        properties.putAll(Map.of("uri", baseUrl + "/api/v2", "ref", branch, "warehouse", warehouse));
        catalog.initialize("it", properties);
        return catalog;
    }

    public static TableIdentifier table(String namespace, String table) {
        return TableIdentifier.of(Namespace.of(namespace.split("\\.")), table);
    }

    /** Appends the records as one Parquet data file in one commit (one snapshot), as another writer would. */
    public static void append(Table table, List<Record> records) throws IOException {
        table.refresh();
        String location = table.locationProvider().newDataLocation("test-" + java.util.UUID.randomUUID() + ".parquet");
        org.apache.iceberg.io.DataWriter<Record> writer = org.apache.iceberg.parquet.Parquet.writeData(table.io().newOutputFile(location))
                .forTable(table).createWriterFunc(org.apache.iceberg.data.parquet.GenericParquetWriter::buildWriter).overwrite().build();
        try (org.apache.iceberg.io.DataWriter<Record> w = writer) {
            records.forEach(w::write);
        }
        table.newAppend().appendFile(writer.toDataFile()).commit();
    }

    /** Every row of the table's current snapshot. */
    public static List<Record> rows(Table table) throws IOException {
        List<Record> out = new ArrayList<>();
        table.refresh();
        if (table.currentSnapshot() == null) {
            return out;
        }
        try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
            it.forEach(r -> out.add(r.copy()));
        }
        return out;
    }

    /** The snapshots of the current lineage, oldest first. */
    public static List<Snapshot> lineage(Table table) {
        table.refresh();
        List<Snapshot> out = new ArrayList<>();
        if (table.currentSnapshot() != null) {
            org.apache.iceberg.util.SnapshotUtil.currentAncestors(table).forEach(out::add);
        }
        java.util.Collections.reverse(out);
        return out;
    }
}
