package io.dataflow.flink.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code scripts/bench.sh <scenario> [--records N] [--rounds R] [--contenders dataflow,peer,limit]}: loads the input once, then runs the contenders
 * interleaved (dataflow, peer, limit, dataflow, …) on the same local servers and parallelism, checks that each
 * delivered every record, and prints records/s (median, min, max), peak RSS and CPU per contender, then
 * {@code RESULT <scenario> dataflow=… peer=… limit=… peer_ratio=… limit_ratio=…}; the same goes to
 * {@code target/bench/<scenario>.json}. Not a test: figures are printed, never asserted.
 */
public final class BenchMain {

    private static final Pattern BENCH_LINE = Pattern.compile("BENCH records=(-?\\d+) millis=(\\d+)");
    private static final Pattern DATAFLOW_LINE = Pattern.compile("job \\S+ finished after (\\d+) ms");
    private static final Pattern TIME_LINE = Pattern.compile("TIME (\\d+) ([\\d.]+) ([\\d.]+) ([\\d.]+)");

    private static final List<String> FLINK_JAVA17_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Scenario scenario;
    private final int records;
    private final int rounds;
    private final int parallelism = 2;
    private final String brokers = "127.0.0.1:" + env("KAFKA_PORT", "9092");
    private final String jdbcUrl = "jdbc:postgresql://127.0.0.1:" + env("PG_PORT", "55432") + "/test";
    private final String classpath = System.getProperty("java.class.path");

    enum Scenario {
        KAFKA_TO_POSTGRES("kafka-to-postgres"), KAFKA_TO_POSTGRES_UPSERT("kafka-to-postgres-upsert"), KAFKA_TO_KAFKA("kafka-to-kafka");

        final String name;

        Scenario(String name) {
            this.name = name;
        }

        boolean toPostgres() {
            return this != KAFKA_TO_KAFKA;
        }

        static Scenario of(String name) {
            for (Scenario s : values()) {
                if (s.name.equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown scenario " + name + " (known: kafka-to-postgres, kafka-to-postgres-upsert, kafka-to-kafka, all)");
        }
    }

    record Run(String contender, double recordsPerSecond, long peakRssMb, double cpuSeconds) {
    }

    private final List<String> contenders;

    BenchMain(Scenario scenario, int records, int rounds, List<String> contenders) {
        this.scenario = scenario;
        this.records = records;
        this.rounds = rounds;
        this.contenders = contenders;
    }

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "kafka-to-postgres";
        int records = 500_000;
        int rounds = 3;
        List<String> contenders = List.of("dataflow", "peer", "limit");
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals("--records")) {
                records = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--contenders")) {
                contenders = List.of(args[i + 1].split(","));
            }
        }
        List<Scenario> scenarios = name.equals("all") ? List.of(Scenario.values()) : List.of(Scenario.of(name));
        List<String> results = new ArrayList<>();
        for (Scenario s : scenarios) {
            results.add(new BenchMain(s, records, Math.max(1, rounds), contenders).run());
        }
        results.forEach(System.out::println);
    }

    String run() throws Exception {
        String inputTopic = "bench-in-" + records;
        ensureInput(inputTopic);
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        for (String c : contenders) {
            runs.put(c, new ArrayList<>());
        }
        for (int round = 1; round <= rounds; round++) {
            for (String contender : runs.keySet()) {
                Run r = runOnce(contender, inputTopic, round);
                runs.get(contender).add(r);
                System.err.printf(Locale.ROOT, "[%s] round %d %-8s %,10.0f rec/s  rss %5d MB  cpu %6.1f s%n",
                        scenario.name, round, contender, r.recordsPerSecond(), r.peakRssMb(), r.cpuSeconds());
            }
        }
        return report(runs);
    }

    private Run runOnce(String contender, String inputTopic, int round) throws Exception {
        String suffix = contender + "_" + round + "_" + UUID.randomUUID().toString().substring(0, 6);
        String table = "bench_" + suffix;
        String outTopic = "bench-out-" + suffix;
        if (scenario.toPostgres()) {
            sql(String.format(BenchEvents.CREATE_TABLE, table, scenario == Scenario.KAFKA_TO_POSTGRES_UPSERT ? "PRIMARY KEY" : ""));
        } else {
            try (Admin admin = admin()) {
                admin.createTopics(List.of(new NewTopic(outTopic, parallelism, (short) 1))).all().get();
            }
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "TIME %M %U %S %e", "java", "-Xmx2g", "-Xms2g"));
        Map<String, String> env = new LinkedHashMap<>();
        switch (contender) {
            case "dataflow":
                command.addAll(List.of("-jar", "target/dataflow-flink.jar", "run", "--local", "--web-port", "0", "bench/" + scenario.name + ".yaml"));
                env.put("BENCH_BROKERS", brokers);
                env.put("BENCH_TOPIC", inputTopic);
                env.put("BENCH_TABLE", table);
                env.put("BENCH_OUT_TOPIC", outTopic);
                env.put("BENCH_PG_URL", jdbcUrl.replace("jdbc:postgresql://", "postgres://postgres@"));
                env.put("BENCH_GROUP", "dataflow-" + suffix);
                break;
            case "peer":
                // The JVM flags Flink's own distribution sets on Java 17 (env.java.opts.all): the official connectors
                // hand Flink types it serializes with Kryo, which needs them.
                command.addAll(FLINK_JAVA17_OPENS);
                command.addAll(List.of("-cp", classpath));
                command.addAll(scenario.toPostgres()
                        ? List.of(PeerKafkaToPostgres.class.getName(), brokers, inputTopic, jdbcUrl, table, String.valueOf(parallelism),
                        String.valueOf(scenario == Scenario.KAFKA_TO_POSTGRES_UPSERT))
                        : List.of(PeerKafkaToKafka.class.getName(), brokers, inputTopic, outTopic, String.valueOf(parallelism)));
                break;
            default:
                command.addAll(List.of("-cp", classpath));
                command.addAll(scenario.toPostgres()
                        ? List.of(LimitKafkaToPostgres.class.getName(), brokers, inputTopic, jdbcUrl, table, String.valueOf(parallelism))
                        : List.of(LimitKafkaToKafka.class.getName(), brokers, inputTopic, outTopic));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(contender + " failed (exit " + p.exitValue() + "):\n" + tail(output));
        }
        long millis = parseMillis(contender, output);
        Matcher time = TIME_LINE.matcher(output);
        if (!time.find()) {
            throw new IllegalStateException("no /usr/bin/time line in the output of " + contender);
        }
        long delivered = scenario.toPostgres() ? count("SELECT count(*) FROM " + table) : endOffsets(outTopic);
        long expected = scenario.toPostgres() ? records : records - records / 10; // kafka-to-kafka drops the drafts (every 10th)
        if (delivered != expected) {
            throw new IllegalStateException(contender + " delivered " + delivered + " records, expected " + expected);
        }
        if (scenario.toPostgres()) {
            sql("DROP TABLE " + table);
        }
        return new Run(contender, records * 1000.0 / Math.max(1, millis), Long.parseLong(time.group(1)) / 1024,
                Double.parseDouble(time.group(2)) + Double.parseDouble(time.group(3)));
    }

    private static long parseMillis(String contender, String output) {
        Matcher m = (contender.equals("dataflow") ? DATAFLOW_LINE : BENCH_LINE).matcher(output);
        if (!m.find()) {
            throw new IllegalStateException(contender + " printed no result line:\n" + tail(output));
        }
        return Long.parseLong(contender.equals("dataflow") ? m.group(1) : m.group(2));
    }

    private String report(Map<String, List<Run>> runs) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", scenario.name);
        json.put("records", records);
        json.put("rounds", rounds);
        json.put("parallelism", parallelism);
        System.out.printf(Locale.ROOT, "%n%s: %,d records, %d rounds, parallelism %d%n", scenario.name, records, rounds, parallelism);
        System.out.printf(Locale.ROOT, "%-9s %12s %12s %12s %10s %10s%n", "contender", "median rec/s", "min", "max", "peak RSS", "CPU s");
        Map<String, Double> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
            List<Double> rates = e.getValue().stream().map(Run::recordsPerSecond).sorted().collect(Collectors.toList());
            double median = rates.get(rates.size() / 2);
            medians.put(e.getKey(), median);
            long rss = e.getValue().stream().mapToLong(Run::peakRssMb).max().orElse(0);
            double cpu = e.getValue().stream().mapToDouble(Run::cpuSeconds).sorted().toArray()[rates.size() / 2];
            System.out.printf(Locale.ROOT, "%-9s %12.0f %12.0f %12.0f %7d MB %10.1f%n", e.getKey(), median, rates.get(0), rates.get(rates.size() - 1), rss, cpu);
            json.put(e.getKey(), Map.of("median", median, "min", rates.get(0), "max", rates.get(rates.size() - 1), "peakRssMb", rss, "cpuSeconds", cpu));
        }
        double dataflow = medians.getOrDefault("dataflow", Double.NaN);
        double peer = medians.getOrDefault("peer", Double.NaN);
        double limit = medians.getOrDefault("limit", Double.NaN);
        double peerRatio = dataflow / peer;
        double limitRatio = dataflow / limit;
        json.put("peer_ratio", peerRatio);
        json.put("limit_ratio", limitRatio);
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(scenario.name + ".json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        return String.format(Locale.ROOT, "RESULT %s dataflow=%s peer=%s limit=%s peer_ratio=%s limit_ratio=%s",
                scenario.name, rate(dataflow), rate(peer), rate(limit), ratio(peerRatio), ratio(limitRatio));
    }

    private static String rate(double v) {
        return Double.isNaN(v) ? "na" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "na" : String.format(Locale.ROOT, "%.2f", v);
    }

    private void ensureInput(String topic) throws Exception {
        if (endOffsets(topic) == records) {
            return;
        }
        try (Admin admin = admin()) {
            if (admin.listTopics().names().get().contains(topic)) {
                admin.deleteTopics(List.of(topic)).all().get();
                Thread.sleep(1000);
            }
            admin.createTopics(List.of(new NewTopic(topic, parallelism, (short) 1))).all().get();
        }
        Map<String, Object> config = Map.of("bootstrap.servers", brokers, "linger.ms", 20, "batch.size", 1 << 20, "compression.type", "lz4");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long id = 1; id <= records; id++) {
                producer.send(new ProducerRecord<>(topic, Long.toString(id).getBytes(StandardCharsets.UTF_8),
                        BenchEvents.event(id).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        System.err.printf("loaded %,d events into %s%n", records, topic);
    }

    private long endOffsets(String topic) throws Exception {
        try (Admin admin = admin()) {
            if (!admin.listTopics().names().get().contains(topic)) {
                return -1;
            }
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    private Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", brokers));
    }

    private void sql(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", ""); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String tail(String output) {
        String[] lines = output.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length));
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }
}
