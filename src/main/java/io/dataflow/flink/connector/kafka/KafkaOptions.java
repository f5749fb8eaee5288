package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;

import java.time.Duration;
import java.util.List;

/**
 * The typed fields of a Kafka source and sink {@code config}, with the original's names and defaults
 * (docs/ORIGINAL.md#kafka). Cross-field rules live in {@link KafkaValidation}; the mapping to client properties in
 * {@link KafkaClientProperties}.
 */
public final class KafkaOptions {

    private KafkaOptions() {
    }

    // ---- shared by source and sink -------------------------------------------------------------------------

    public static final ConfigField<List<String>> BROKERS = ConfigField.stringList("brokers").required()
            .description("Bootstrap brokers (host:port), as a list or one comma-separated string").build();

    public static final ConfigField<String> TOPIC = ConfigField.string("topic").required()
            .description("The single topic to read from or write to").build();

    /** A STRING, not an ENUM: the original also accepts {@code sasl-ssl} or {@code sasl ssl}. */
    public static final ConfigField<String> SECURITY_PROTOCOL = ConfigField.string("securityProtocol")
            .description("PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (case-insensitive, '-' or ' ' for '_'); "
                    + "when empty, inferred from the presence of the tls and sasl sections").build();

    public static final ConfigField<Boolean> TLS_INSECURE_SKIP_VERIFY = ConfigField.bool("insecureSkipVerify").defaultValue(false)
            .description("Accept any broker certificate and host name; ignored when a CA is given").build();
    public static final ConfigField<String> TLS_CA_FILE = ConfigField.string("caFile")
            .description("PEM file of the CA certificate(s) that sign the brokers' certificates; none = the JVM's trust store").build();
    public static final ConfigField<String> TLS_CERT_FILE = ConfigField.string("certFile")
            .description("PEM file of the client certificate (chain), for mutual TLS; needs keyFile").build();
    public static final ConfigField<String> TLS_KEY_FILE = ConfigField.string("keyFile")
            .description("PEM file of the client's private key (PKCS#8, or PKCS#1 RSA), for mutual TLS").build();
    /** Filled by {@code caSecretRef}: the secret resolver sets the field named before {@code SecretRef}. */
    public static final ConfigField<String> TLS_CA = ConfigField.string("ca")
            .description("PEM text of the CA certificate(s); normally set through caSecretRef. Exclusive with caFile").build();
    public static final ConfigField<String> TLS_CERT = ConfigField.string("cert")
            .description("PEM text of the client certificate; normally set through certSecretRef. Exclusive with certFile").build();
    public static final ConfigField<String> TLS_KEY = ConfigField.string("key").secret()
            .description("PEM text of the client's private key; normally set through keySecretRef. Exclusive with keyFile").build();

    public static final ConfigField<ConfigValues> TLS = ConfigField.object("tls", TLS_INSECURE_SKIP_VERIFY,
                    TLS_CA_FILE, TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA, TLS_CERT, TLS_KEY)
            .description("TLS (1.2 or newer) to the brokers; its presence turns TLS on when securityProtocol is empty").build();

    public static final ConfigField<String> SASL_MECHANISM = ConfigField.enumOf("mechanism", "plain", "scram-sha-256", "scram-sha-512")
            .defaultValue("plain").description("SASL mechanism").build();
    public static final ConfigField<String> SASL_USERNAME = ConfigField.string("username").required()
            .description("SASL user name").build();
    public static final ConfigField<String> SASL_PASSWORD = ConfigField.string("password").required().secret()
            .description("SASL password (normally passwordSecretRef)").build();

    public static final ConfigField<ConfigValues> SASL = ConfigField.object("sasl", SASL_MECHANISM, SASL_USERNAME, SASL_PASSWORD)
            .description("SASL authentication; its presence turns SASL on when securityProtocol is empty").build();

    // ---- source ------------------------------------------------------------------------------------------------

    public static final String DEFAULT_CONSUMER_GROUP = "dataflow-operator";

    public static final ConfigField<String> CONSUMER_GROUP = ConfigField.string("consumerGroup").defaultValue(DEFAULT_CONSUMER_GROUP)
            .description("Consumer group whose committed offsets are the start position of a job whose state knows nothing of the "
                    + "topic (before startFrom), and to which the offsets of every completed checkpoint are committed (for "
                    + "monitoring); a restored job never reads them for a partition its state knows").build();

    /** A STRING, not an ENUM: besides earliest and latest it takes a timestamp; {@link KafkaValidation} parses it. */
    public static final ConfigField<String> START_FROM = ConfigField.string("startFrom").defaultValue("earliest")
            .description("Where a partition starts when the job's state knows nothing of the topic and the consumer group has "
                    + "no committed offset for it: earliest (the first offset still in the log), latest (the end offset "
                    + "when the source starts), or an ISO-8601 timestamp with a zone (e.g. 2026-12-01T00:00:00Z): the "
                    + "first record whose timestamp is at or after it; a partition with no such record starts at its end").build();

    public static final ConfigField<String> FORMAT = ConfigField.enumOf("format", "json", "avro").defaultValue("json")
            .description("Payload format: json passes the bytes through untouched; avro decodes each record (with "
                    + "schemaRegistry, or avroSchema / avroSchemaFile) to JSON").build();

    public static final ConfigField<String> AVRO_SCHEMA = ConfigField.string("avroSchema")
            .description("format avro: the writer schema (Avro JSON) of every record, when there is no schemaRegistry; "
                    + "or through avroSchemaSecretRef").build();
    public static final ConfigField<String> AVRO_SCHEMA_FILE = ConfigField.string("avroSchemaFile")
            .description("format avro: file holding the writer schema, read on the task manager; exclusive with avroSchema").build();

    public static final ConfigField<String> REGISTRY_URL = ConfigField.string("url").required()
            .description("Base URL of a Confluent-compatible Schema Registry; schemas are fetched with GET {url}/schemas/ids/{id} "
                    + "and cached").build();
    public static final ConfigField<String> REGISTRY_USERNAME = ConfigField.string("username").required()
            .description("Basic-auth user").build();
    public static final ConfigField<String> REGISTRY_PASSWORD = ConfigField.string("password").required().secret()
            .description("Basic-auth password (normally passwordSecretRef)").build();
    public static final ConfigField<ConfigValues> REGISTRY_BASIC_AUTH = ConfigField.object("basicAuth", REGISTRY_USERNAME, REGISTRY_PASSWORD)
            .description("HTTP basic authentication to the registry").build();
    public static final ConfigField<ConfigValues> REGISTRY_TLS = ConfigField.object("tls", TLS_INSECURE_SKIP_VERIFY, TLS_CA_FILE, TLS_CA,
                    TLS_CERT_FILE, TLS_KEY_FILE, TLS_CERT, TLS_KEY)
            .description("TLS to an https registry: the CA that signs its certificate (none = the JVM's trust store) or "
                    + "insecureSkipVerify, and a client certificate with its key for a registry that asks for one").build();
    public static final ConfigField<ConfigValues> SCHEMA_REGISTRY = ConfigField.object("schemaRegistry", REGISTRY_URL, REGISTRY_BASIC_AUTH, REGISTRY_TLS)
            .description("format avro: records in the Confluent wire format (byte 0, then the 4-byte schema id) are decoded "
                    + "with the schema the registry holds for that id").build();

    public static final ConfigField<Duration> CONSUMER_MAX_WAIT = ConfigField.duration("consumerMaxWait").min(1)
            .description("How long the broker may wait for fetchMinBytes before answering a fetch (fetch.max.wait.ms)").build();
    public static final ConfigField<Integer> FETCH_MIN_BYTES = ConfigField.integer("fetchMinBytes").min(0)
            .description("Smallest fetch response the broker waits for (fetch.min.bytes)").build();
    public static final ConfigField<Integer> FETCH_MAX_BYTES = ConfigField.integer("fetchMaxBytes").min(1)
            .description("Largest fetch response (fetch.max.bytes)").build();
    public static final ConfigField<Integer> MAX_PARTITION_FETCH_BYTES = ConfigField.integer("maxPartitionFetchBytes").min(1)
            .description("Largest amount of data per partition in one fetch (max.partition.fetch.bytes)").build();
    public static final ConfigField<Duration> NET_READ_TIMEOUT = ConfigField.duration("netReadTimeout").min(1)
            .description("How long to wait for a broker's response (request.timeout.ms); must exceed consumerMaxWait").build();
    public static final ConfigField<Duration> NET_WRITE_TIMEOUT = ConfigField.duration("netWriteTimeout").min(1)
            .description("Time allowed to send a request; the Java client bounds a whole request with one timeout, "
                    + "so it is added to netReadTimeout (request.timeout.ms)").build();

    public static final ConfigField<Boolean> BOUNDED = ConfigField.bool("bounded").defaultValue(false)
            .description("Read up to the end offsets seen when the source starts, then finish").build();

    public static final Duration DEFAULT_PARTITION_DISCOVERY_INTERVAL = Duration.ofSeconds(30);

    public static final ConfigField<Duration> PARTITION_DISCOVERY_INTERVAL = ConfigField.duration("partitionDiscoveryInterval")
            .defaultValue(DEFAULT_PARTITION_DISCOVERY_INTERVAL).min(0)
            .description("How often a running source looks for partitions added to the topic; each new partition is read "
                    + "by one subtask from its earliest offset, also in a job restored from a savepoint. 0 turns it off "
                    + "(new partitions are then read after the next restart). Not used with bounded").build();

    public static final ConfigField<String> ISOLATION_LEVEL = ConfigField.enumOf("isolationLevel", "read_uncommitted", "read_committed")
            .defaultValue("read_uncommitted")
            .description("read_committed skips records of aborted transactions and stops at the last stable offset").build();

    // ---- sink --------------------------------------------------------------------------------------------------

    public static final ConfigField<String> REQUIRED_ACKS = ConfigField.enumOf("requiredAcks", "all", "local", "none").defaultValue("all")
            .description("Acknowledgement a send waits for: all in-sync replicas, the leader only, or none (acks all/1/0)").build();
    public static final ConfigField<Boolean> IDEMPOTENT = ConfigField.bool("idempotent").defaultValue(true)
            .description("Idempotent producer: retries never duplicate or reorder records; needs requiredAcks all "
                    + "and at most 5 maxOpenRequests").build();
    public static final ConfigField<Integer> MAX_OPEN_REQUESTS = ConfigField.integer("maxOpenRequests").min(1)
            .description("Unacknowledged requests per broker connection (max.in.flight.requests.per.connection)").build();
    public static final ConfigField<String> COMPRESSION = ConfigField.enumOf("compression", "none", "gzip", "snappy", "lz4", "zstd")
            .defaultValue("snappy").description("Compression of record batches (the newest original's default: snappy)").build();
    public static final ConfigField<Boolean> ASYNC = ConfigField.bool("async").defaultValue(true)
            .description("true: sends are asynchronous (the producer batches in the background) and are made durable on "
                    + "every checkpoint, when the sink flushes, or every flushMessages records; false: every record waits for "
                    + "the broker's acknowledgement before the next one is sent (the original's sync producer; slower). "
                    + "false needs deliveryGuarantee at-least-once").build();
    public static final ConfigField<Integer> FLUSH_MESSAGES = ConfigField.integer("flushMessages").min(0)
            .description("async: every N records the sink sends what the producer has buffered and waits for the broker's "
                    + "acknowledgements (besides every checkpoint); 0 or not set: on checkpoints, flushBytes and flushFrequency "
                    + "only. Needs deliveryGuarantee at-least-once").build();
    public static final ConfigField<Integer> FLUSH_BYTES = ConfigField.integer("flushBytes").min(0)
            .description("Batch size in bytes per partition (batch.size); 0 sends every record on its own. Not set: 128 KiB, "
                    + "capped at the topic's max.message.bytes (kafka-clients' 16 KiB when that cannot be read)").build();
    public static final ConfigField<Duration> FLUSH_FREQUENCY = ConfigField.duration("flushFrequency")
            .description("How long a batch may wait to fill up before it is sent (linger.ms)").build();
    public static final ConfigField<String> KEY = ConfigField.string("key")
            .description("Dot path of the field whose value becomes the record key (e.g. customer.id; strings as they are, "
                    + "other values as text; no value = no key). Default: metadata key when it is a string (a Kafka "
                    + "source's key), else metadata id (the row id of the PostgreSQL, ClickHouse, Trino and CDC sources), "
                    + "else no key").build();
    public static final String EXACTLY_ONCE = "exactly-once";

    public static final ConfigField<String> DELIVERY_GUARANTEE = ConfigField.enumOf("deliveryGuarantee", "at-least-once", EXACTLY_ONCE)
            .defaultValue("at-least-once")
            .description("at-least-once: sends are flushed on every checkpoint (a restart may write records again); "
                    + "exactly-once: each checkpoint's records are written in one Kafka transaction, committed when the "
                    + "checkpoint completes, so read_committed consumers see every record once (they see it one "
                    + "checkpoint interval later)").build();
    public static final ConfigField<String> TRANSACTIONAL_ID_PREFIX = ConfigField.string("transactionalIdPrefix")
            .description("exactly-once: prefix of the producers' transactional ids, <prefix>-<subtask>-pool-<n>, a few "
                    + "per subtask used again from checkpoint to checkpoint; default dataflow-<job name>-<sink role>. Must "
                    + "differ between jobs that run at the same time: a job aborts the open transactions under its prefix "
                    + "when it starts").build();
    public static final ConfigField<Duration> TRANSACTION_TIMEOUT = ConfigField.duration("transactionTimeout").min(1)
            .defaultValue(Duration.ofMinutes(15))
            .description("exactly-once: how long the broker keeps a transaction open before aborting it "
                    + "(transaction.timeout.ms); must cover a checkpoint interval plus a restart, and be at most the "
                    + "broker's transaction.max.timeout.ms (15 minutes by default)").build();

    public static final List<ConfigField<?>> SOURCE = List.of(BROKERS, TOPIC, CONSUMER_GROUP, START_FROM, SECURITY_PROTOCOL, TLS, SASL, FORMAT,
            AVRO_SCHEMA, AVRO_SCHEMA_FILE, SCHEMA_REGISTRY,
            CONSUMER_MAX_WAIT, FETCH_MIN_BYTES, FETCH_MAX_BYTES, MAX_PARTITION_FETCH_BYTES, NET_READ_TIMEOUT, NET_WRITE_TIMEOUT,
            BOUNDED, PARTITION_DISCOVERY_INTERVAL, ISOLATION_LEVEL);

    public static final List<ConfigField<?>> SINK = List.of(BROKERS, TOPIC, KEY, SECURITY_PROTOCOL, TLS, SASL, REQUIRED_ACKS, IDEMPOTENT,
            MAX_OPEN_REQUESTS, COMPRESSION, ASYNC, FLUSH_MESSAGES, FLUSH_BYTES, FLUSH_FREQUENCY, DELIVERY_GUARANTEE,
            TRANSACTIONAL_ID_PREFIX, TRANSACTION_TIMEOUT);
}
