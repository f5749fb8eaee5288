package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ValidationErrors;

import java.net.URI;

/** Rules shared by the Iceberg-backed connector types; every error names its manifest field. */
public final class IcebergValidation {

    private IcebergValidation() {
    }

    public static void validateTable(ConfigValues config, ValidationErrors errors) {
        String namespace = config.getOptional(IcebergOptions.NAMESPACE).orElse(null);
        String table = config.getOptional(IcebergOptions.TABLE).orElse(null);
        if (namespace == null || table == null) {
            return; // reported as required
        }
        String problem = TableAddress.problem(namespace.trim(), table.trim());
        if (problem != null) {
            String field = problem.substring(0, problem.indexOf(':'));
            errors.add(config.pathOf(field.equals("namespace") ? IcebergOptions.NAMESPACE : IcebergOptions.TABLE),
                    problem.substring(problem.indexOf(':') + 2));
        }
    }

    /**
     * A warehouse location Iceberg can write to: {@code file://} (local) or {@code s3://} (S3FileIO, also s3a, s3n).
     * A bare name (the original let Nessie's Iceberg REST endpoint resolve warehouse names) still validates, so that
     * its manifests do: existing tables keep their own location, only new tables need a location here.
     */
    public static void validateWarehouse(ConfigValues config, ValidationErrors errors) {
        config.getOptional(IcebergOptions.WAREHOUSE).filter(w -> !w.isBlank()).ifPresent(w -> {
            String scheme;
            try {
                scheme = URI.create(w.trim()).getScheme();
            } catch (IllegalArgumentException e) {
                errors.add(config.pathOf(IcebergOptions.WAREHOUSE), "not a location URI: " + e.getMessage());
                return;
            }
            if (S3Storage.isS3Location(w.trim())) {
                if (URI.create(w.trim()).getHost() == null) {
                    errors.add(config.pathOf(IcebergOptions.WAREHOUSE), "needs a bucket: s3://bucket[/path]");
                }
            } else if (scheme != null && !scheme.equals("file")) {
                errors.add(config.pathOf(IcebergOptions.WAREHOUSE), "only s3:// and file:// warehouses are supported (got "
                        + scheme + "://)");
            }
        });
    }

    /** @param warehouseIsLocation true when {@code warehouse} is a location (Nessie), false when a REST catalog names it */
    public static void validateSink(ConfigValues config, ValidationErrors errors, boolean warehouseIsLocation) {
        validateTable(config, errors);
        if (warehouseIsLocation) {
            validateWarehouse(config, errors);
        }
        S3Storage.validate(config, errors, warehouseIsLocation);
        if (config.get(IcebergOptions.FLATTEN_METADATA_COLUMNS) && !config.get(IcebergOptions.RAW_MODE)) {
            errors.add(config.pathOf(IcebergOptions.FLATTEN_METADATA_COLUMNS), "requires rawMode: true");
        }
    }

    public static void validateSource(ConfigValues config, ValidationErrors errors, boolean warehouseIsLocation) {
        validateTable(config, errors);
        if (warehouseIsLocation) {
            validateWarehouse(config, errors);
        }
        S3Storage.validate(config, errors, warehouseIsLocation);
        boolean incremental = config.get(IcebergOptions.INCREMENTAL_BY_SNAPSHOT);
        if (incremental && config.getOptional(IcebergOptions.QUERY).filter(q -> !q.isBlank()).isPresent()) {
            errors.add(config.pathOf(IcebergOptions.QUERY), "cannot be combined with incrementalBySnapshot");
        }
        config.getOptional(IcebergOptions.START_SNAPSHOT_ID).filter(s -> !s.isBlank()).ifPresent(id -> {
            try {
                Long.parseUnsignedLong(id.trim());
            } catch (NumberFormatException e) {
                errors.add(config.pathOf(IcebergOptions.START_SNAPSHOT_ID), "must be an unsigned integer snapshot id");
            }
        });
        if (config.get(IcebergOptions.POLL_INTERVAL).isNegative() || config.get(IcebergOptions.POLL_INTERVAL).isZero()) {
            errors.add(config.pathOf(IcebergOptions.POLL_INTERVAL), "must be positive");
        }
    }
}
