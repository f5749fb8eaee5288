package io.dataflow.flink.connector.iceberg.nessie;

import io.dataflow.flink.connector.UriComponents;

import io.dataflow.flink.connector.iceberg.IcebergOptions;
import io.dataflow.flink.connector.iceberg.S3Storage;
import io.dataflow.flink.config.ConfigValues;

import java.io.Serializable;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a {@code nessie} connector's table lives: server, branch, warehouse, authentication, and the S3 store when
 * the files are in S3 ({@code s3} is null for local files). Every component hides its credentials in toString.
 */
public record NessieSettings(URI baseUrl, String branch, String warehouse, NessieAuth auth, S3Storage s3) implements Serializable {

    public static NessieSettings from(ConfigValues config) {
        String warehouse = config.getOptional(IcebergOptions.WAREHOUSE).filter(w -> !w.isBlank()).map(String::trim).orElse(null);
        return new NessieSettings(UriComponents.httpUrl(config.get(NessieOptions.BASE_URL)), config.get(NessieOptions.BRANCH),
                warehouse, NessieAuth.from(config), S3Storage.from(config, "nessie", true).orElse(null));
    }


    /** The REST API v2 root the Nessie client talks to. */
    public URI apiV2() {
        return URI.create(baseUrl + "/api/v2");
    }

    /** Properties for Iceberg's {@code NessieCatalog}, the warehouse taken as a location as given. */
    public Map<String, String> catalogProperties() {
        return catalogProperties(warehouse);
    }

    /**
     * Properties for Iceberg's {@code NessieCatalog}.
     *
     * @param warehouseLocation the warehouse as a location ({@link NessieWarehouse#location}), or null
     */
    public Map<String, String> catalogProperties(String warehouseLocation) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("uri", apiV2().toString());
        p.put("client-api-version", "2");
        p.put("ref", branch);
        // NessieCatalog refuses to start without a warehouse and then logs all its properties, credentials included;
        // a warehouse is only used for new tables, so readers and writers of existing tables get a placeholder.
        p.put("warehouse", warehouseLocation != null ? warehouseLocation : "file:///dataflow-no-warehouse-configured");
        if (s3 != null) {
            s3.addFileIoProperties(p);
        } else {
            p.put("io-impl", "org.apache.iceberg.hadoop.HadoopFileIO");
        }
        auth.addClientProperties(p);
        return p;
    }
}
