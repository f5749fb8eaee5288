package io.dataflow.flink.runtime;

/**
 * The original's {@code error_type} metric labels (docs/ORIGINAL.md#error-type-labels) for a failed record's reason, so dashboards built
 * for it keep their meaning: {@code constraint_violation} (SQLSTATE 23xxx), {@code invalid_data} (SQLSTATE 22xxx,
 * transformation failures, values a target cannot store), else {@code unknown}.
 */
final class ErrorTypes {

    static final String CONSTRAINT_VIOLATION = "constraint_violation";
    static final String INVALID_DATA = "invalid_data";
    static final String UNKNOWN = "unknown";

    private ErrorTypes() {
    }

    static String ofSinkRefusal(String reason) {
        if (reason == null) {
            return UNKNOWN;
        }
        if (reason.startsWith("SQLSTATE 23")) {
            return CONSTRAINT_VIOLATION;
        }
        if (reason.startsWith("SQLSTATE 22") || reason.contains("cannot")) {
            return INVALID_DATA;
        }
        return UNKNOWN;
    }
}
