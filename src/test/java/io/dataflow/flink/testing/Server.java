package io.dataflow.flink.testing;

/** The real servers an integration test can ask for; each has a start/stop script in {@code scripts/servers}. */
public enum Server {
    POSTGRES("postgres", "postgres.pid"),
    KAFKA("kafka", "kafka.pid"),
    /** Debian's clickhouse-server (18.16.1 on bookworm); HTTP port printed by the script. */
    CLICKHOUSE("clickhouse", "clickhouse.pid"),
    /** A standalone Flink session cluster (JobManager + TaskManager) for real {@code flink run} submissions. */
    FLINK("flink", "jobmanager.pid");

    final String scriptName;
    final String pidFile;

    Server(String scriptName, String pidFile) {
        this.scriptName = scriptName;
        this.pidFile = pidFile;
    }
}
