package io.dataflow.flink.testing;

/** The real servers an integration test can ask for; each has a start/stop script in {@code scripts/servers}. */
public enum Server {
    POSTGRES("postgres", "postgres.pid"),
    KAFKA("kafka", "kafka.pid"),
    TRINO("trino", "trino.pid");

    final String scriptName;
    final String pidFile;

    Server(String scriptName, String pidFile) {
        this.scriptName = scriptName;
        this.pidFile = pidFile;
    }
}
