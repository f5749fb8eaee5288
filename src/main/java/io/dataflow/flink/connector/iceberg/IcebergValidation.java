package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.manifest.Config;
import io.dataflow.flink.manifest.ValidationErrors;

import java.net.URI;

/** Rules shared by the Iceberg-backed connector types; every error names its manifest field. */
public final class IcebergValidation {

    private IcebergValidation() {
    }

    public static void validateTable(Config config, ValidationErrors errors) {
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

    /** Local warehouses only for now: the jar bundles Hadoop's local file system, not S3. */
    public static void validateWarehouse(Config config, ValidationErrors errors) {
        config.getOptional(IcebergOptions.WAREHOUSE).filter(w -> !w.isBlank()).ifPresent(w -> {
            String scheme;
            try {
                scheme = URI.create(w.trim()).getScheme();
            } catch (IllegalArgumentException e) {
                errors.add(config.pathOf(IcebergOptions.WAREHOUSE), "not a location URI: " + e.getMessage());
                return;
            }
            if (scheme != null && !scheme.equals("file")) {
                errors.add(config.pathOf(IcebergOptions.WAREHOUSE), "only file:// warehouses are supported by this version (got "
                        + scheme + "://); S3 needs a file system the jar does not bundle yet");
            }
        });
    }

    /** @param warehouseIsLocation true when {@code warehouse} is a location (Nessie), false when a REST catalog names it */
    public static void validateSink(Config config, ValidationErrors errors, boolean warehouseIsLocation) {
        validateTable(config, errors);
        if (warehouseIsLocation) {
            validateWarehouse(config, errors);
        }
        if (config.get(IcebergOptions.FLATTEN_METADATA_COLUMNS) && !config.get(IcebergOptions.RAW_MODE)) {
            errors.add(config.pathOf(IcebergOptions.FLATTEN_METADATA_COLUMNS), "requires rawMode: true");
        }
    }

    public static void validateSource(Config config, ValidationErrors errors, boolean warehouseIsLocation) {
        validateTable(config, errors);
        if (warehouseIsLocation) {
            validateWarehouse(config, errors);
        }
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
