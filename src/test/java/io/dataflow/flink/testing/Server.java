package io.dataflow.flink.testing;

/** The real servers an integration test can ask for; each has a start/stop script in {@code scripts/servers}. */
public enum Server {
    POSTGRES("postgres", "postgres.pid"),
    KAFKA("kafka", "kafka.pid"),
    /** Project Nessie 0.99 (in-memory store; needs a JDK 21+, which the start script finds). */
    NESSIE("nessie", "nessie.pid"),
    /** Apache Iceberg's reference REST catalog (in-memory SQLite catalog, local warehouse; test credentials). */
    ICEBERG_REST("iceberg-rest", "iceberg-rest.pid"),
    /** The same catalog server with its warehouse in S3 ({@link #S3}, started with it): s3://dataflow-it/iceberg-rest. */
    ICEBERG_REST_S3("iceberg-rest-s3", "iceberg-rest.pid"),
    /** Debian's clickhouse-server (18.16.1 on bookworm); HTTP port printed by the script. */
    CLICKHOUSE("clickhouse", "clickhouse.pid"),
    /** A modern ClickHouse engine (26.7, chDB behind a small HTTP front, no authentication); HTTP port printed by the script. */
    CLICKHOUSE_MODERN("clickhouse-modern", "server.pid"),
    /** A second broker with SASL (PLAIN, SCRAM-SHA-512) and mutual-TLS listeners: see {@link KafkaSecure}. */
    KAFKA_SECURE("kafka-secure", "kafka-secure.pid"),
    /** Apicurio Registry, whose Confluent-compatible API is at {@code /apis/ccompat/v7}. */
    APICURIO("apicurio", "apicurio.pid"),
    /** A standalone Flink session cluster (JobManager + TaskManager) for real {@code flink run} submissions. */
    FLINK("flink", "jobmanager.pid"),
    /** S3Proxy: an S3-compatible store on local files, test key pair and bucket {@code dataflow-it}: see {@link S3}. */
    S3("s3", "s3.pid"),
    /** Keycloak 26, built once and started optimized (in-memory database), with the realm {@code dataflow}: see {@link Keycloak}. */
    KEYCLOAK("keycloak", "keycloak.pid"),
    /** Trino 483 assembled from Maven jars, run on Java 25 (catalogs memory and lake = Iceberg on a local warehouse; HTTP port 8080, no authentication; HTTPS with JWT authentication: {@link Trino#httpsUrl()}). */
    TRINO("trino", "trino.pid");

    final String scriptName;
    final String pidFile;

    Server(String scriptName, String pidFile) {
        this.scriptName = scriptName;
        this.pidFile = pidFile;
    }
}
