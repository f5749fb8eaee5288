package io.dataflow.flink.manifest;

/**
 * The original's {@code errors.ackPolicy}. Only {@code afterWrite} can be kept on Flink (a failed record is in the
 * error sink before the checkpoint that covers it completes); {@code never} and {@code afterMainSinkSuccess} are
 * recognised so that the parser can refuse them with the reason (docs/TRANSFORMATIONS.md).
 */
public enum AckPolicy {
    AFTER_WRITE("afterWrite"),
    NEVER("never"),
    AFTER_MAIN_SINK_SUCCESS("afterMainSinkSuccess");

    private final String manifestName;

    AckPolicy(String manifestName) {
        this.manifestName = manifestName;
    }

    public String manifestName() {
        return manifestName;
    }

    public static String[] names() {
        return new String[] {"afterWrite", "never", "afterMainSinkSuccess"};
    }

    public static AckPolicy of(String name) {
        for (AckPolicy p : values()) {
            if (p.manifestName.equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown ackPolicy " + name);
    }
}
