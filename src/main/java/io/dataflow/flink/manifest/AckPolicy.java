package io.dataflow.flink.manifest;

/**
 * The original's {@code errors.ackPolicy}. With Flink checkpoints replacing acks, all three mean the same for
 * the source position: a failed record is written to the error sink before the checkpoint that covers it
 * completes. {@code never} and {@code afterMainSinkSuccess} are accepted for compatibility (see docs).
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
