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
 * delivered every record, and prints records/s (median, min, max), peak RSS, CPU, -Xmx and the largest heap in use
 * after a garbage collection per contender, and the CPU it spent while its records flowed into the target (from the
 * first record the target shows to the last, {@link FlowWatch}) with that CPU per record, then
 * {@code RESULT <scenario> dataflow=… peer=… limit=… peer_ratio=… limit_ratio=… cpu_ratio=… steady_cpu_ratio=…
 * dataflow_steady_us=… peer_steady_us=… limit_steady_us=… heap=…}; the same goes to
 * {@code target/bench/<scenario>.json}. Not a test: figures are printed, never asserted. The dataflow job runs with
 * the heap {@code BENCH_HEAP} (default 512m), the other contenders with 2g; {@code BENCH_BASELINE_JAR} adds the
 * contender "baseline": another build's jar run exactly like dataflow (before/after comparisons in one run).
 */
public final class BenchMain {

    private static final Pattern BENCH_LINE = Pattern.compile("BENCH records=(-?\\d+) millis=(\\d+)");
    private static final Pattern DATAFLOW_LINE = Pattern.compile("job \\S+ finished after (\\d+) ms");
    private static final Pattern TIME_LINE = Pattern.compile("TIME (\\d+) ([\\d.]+) ([\\d.]+) ([\\d.]+)");
    /** A unified-logging GC line's heap change, e.g. {@code Pause Young (Normal) (G1 Evacuation Pause) 300M->42M(512M)}. */
    private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    /** The other contenders' heap; the dataflow (and baseline) JVM runs with BENCH_HEAP. */
    private static final String CONTENDER_HEAP = "2g";

    private static final List<String> FLINK_JAVA17_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /** Partitions of the shared input topic (and of output topics): two, one per subtask at parallelism 2. */
    private static final int PARTITIONS = 2;
    private static final String NESSIE_NAMESPACE = "bench_nessie";

    private final Scenario scenario;
    private final int records;
    private final int rounds;
    private final int parallelism;
    private final String brokers = "127.0.0.1:" + env("KAFKA_PORT", "9092");
    private final String jdbcUrl = "jdbc:postgresql://127.0.0.1:" + env("PG_PORT", "55432") + "/test";
    private final String clickHouseUrl = "http://127.0.0.1:" + env("CH_HTTP_PORT", "18123") + "/default";
    private final String nessieUrl = "http://127.0.0.1:" + env("NESSIE_PORT", "19120");
    private final String warehouse = "file://" + Path.of("target", "bench", "warehouse").toAbsolutePath().normalize();
    private final String classpath = System.getProperty("java.class.path");

    /** Where a scenario reads its input from, and where its output goes. */
    enum Endpoint { KAFKA, POSTGRES, CLICKHOUSE, NESSIE }

    enum Scenario {
        KAFKA_TO_POSTGRES("kafka-to-postgres", Endpoint.KAFKA, Endpoint.POSTGRES, 2, null),
        KAFKA_TO_POSTGRES_UPSERT("kafka-to-postgres-upsert", Endpoint.KAFKA, Endpoint.POSTGRES, 2, null),
        KAFKA_TO_KAFKA("kafka-to-kafka", Endpoint.KAFKA, Endpoint.KAFKA, 2, null),
        KAFKA_TO_CLICKHOUSE("kafka-to-clickhouse", Endpoint.KAFKA, Endpoint.CLICKHOUSE, 2,
                "no official Flink ClickHouse connector for Flink 1.20 on Maven Central (ClickHouse's own "
                        + "flink-connector-clickhouse-1.17 is documented but not served; Apache's FLIP-202 connector was never released)"),
        KAFKA_TO_NESSIE("kafka-to-nessie", Endpoint.KAFKA, Endpoint.NESSIE, 2, null),
        // The PostgreSQL polling source has one cursor (parallelism 1), so every contender reads with one reader.
        POSTGRES_TO_KAFKA("postgres-to-kafka", Endpoint.POSTGRES, Endpoint.KAFKA, 1, null);

        final String name;
        final Endpoint input;
        final Endpoint output;
        final int parallelism;
        /** Why the scenario has no peer contender, or null when it has one. */
        final String noPeer;

        Scenario(String name, Endpoint input, Endpoint output, int parallelism, String noPeer) {
            this.name = name;
            this.input = input;
            this.output = output;
            this.parallelism = parallelism;
            this.noPeer = noPeer;
        }

        /** Records every contender must deliver: kafka-to-kafka's filter drops the drafts (every 10th event). */
        long expected(int records) {
            return this == KAFKA_TO_KAFKA ? records - records / 10 : records;
        }

        static Scenario of(String name) {
            for (Scenario s : values()) {
                if (s.name.equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown scenario " + name + " (known: "
                    + java.util.Arrays.stream(values()).map(s -> s.name).collect(Collectors.joining(", ")) + ", all)");
        }
    }

    /**
     * heapAfterGcMb: the largest heap in use right after a collection (the live set plus survivors), -1 without a GC;
     * flow: the CPU spent while the records flowed into the target ({@link FlowWindow}).
     */
    record Run(String contender, double recordsPerSecond, long peakRssMb, double cpuSeconds, long heapAfterGcMb, FlowWindow.Flow flow) {
    }

    /** The dataflow job's heap ({@code BENCH_HEAP}, default 512m): issue 21 asks what heap a job needs at full rate. */
    private final String dataflowHeap = env("BENCH_HEAP", "512m");
    /** A jar of another build ({@code BENCH_BASELINE_JAR}) run as a fourth contender, "baseline", exactly like dataflow. */
    private final String baselineJar = System.getenv("BENCH_BASELINE_JAR");
    private Path preparedBaselineJar;

    private final List<String> contenders;
    /** The unit of /proc's CPU times, read once per run ({@link ProcessTreeCpu}). */
    private double clockTicksPerSecond;

    BenchMain(Scenario scenario, int records, int rounds, List<String> contenders) {
        this.scenario = scenario;
        this.records = records;
        this.rounds = rounds;
        this.parallelism = scenario.parallelism;
        List<String> chosen = new ArrayList<>(scenario.noPeer == null ? contenders
                : contenders.stream().filter(c -> !c.equals("peer")).collect(Collectors.toList()));
        if (baselineJar != null && !baselineJar.isBlank() && !chosen.contains("baseline")) {
            chosen.add(chosen.contains("dataflow") ? chosen.indexOf("dataflow") + 1 : 0, "baseline");
        }
        this.contenders = chosen;
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
        clockTicksPerSecond = ProcessTreeCpu.clockTicksPerSecond();
        String inputTopic = "bench-in-" + records;
        String sourceTable = "bench_src_" + records;
        if (scenario.input == Endpoint.KAFKA) {
            ensureInput(inputTopic);
        } else {
            ensureSourceTable(sourceTable);
        }
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        for (String c : contenders) {
            runs.put(c, new ArrayList<>());
        }
        for (int round = 1; round <= rounds; round++) {
            for (String contender : runs.keySet()) {
                Run r = runOnce(contender, scenario.input == Endpoint.KAFKA ? inputTopic : sourceTable, round);
                runs.get(contender).add(r);
                System.err.printf(Locale.ROOT, "[%s] round %d %-8s %,10.0f rec/s  rss %5d MB  cpu %6.1f s  heap after GC %5d MB"
                                + "  while flowing: cpu %6.2f s in %5.1f s, %,d records, %s us/record (cpu before: %.1f s)%n",
                        scenario.name, round, contender, r.recordsPerSecond(), r.peakRssMb(), r.cpuSeconds(), r.heapAfterGcMb(),
                        r.flow().cpuSeconds(), r.flow().seconds(), r.flow().records(), SteadyCpu.micros(r.flow().microsPerRecord()),
                        r.flow().cpuBeforeSeconds());
            }
        }
        return report(runs);
    }

    /** One contender, one round: a fresh target (table or topic), the contender's JVM, then the delivery check. */
    private Run runOnce(String contender, String input, int round) throws Exception {
        String suffix = contender + "_" + round + "_" + UUID.randomUUID().toString().substring(0, 6);
        String table = "bench_" + suffix;
        String outTopic = "bench-out-" + suffix;
        createTarget(table, outTopic);
        boolean job = contender.equals("dataflow") || contender.equals("baseline");
        String heap = job ? dataflowHeap : CONTENDER_HEAP;
        // GC log per JVM (%p: the jar's launcher passes its JVM options on to the job's JVM, which logs to its own file)
        Path gcDir = Path.of("target", "bench", "gc").toAbsolutePath();
        Files.createDirectories(gcDir);
        String gcPrefix = scenario.name + "-" + contender + "-" + round + "-" + suffix;
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "TIME %M %U %S %e", "java", "-Xmx" + heap, "-Xms" + heap,
                "-Xlog:gc:file=" + gcDir.resolve(gcPrefix + "-%p.log")));
        String jfrDir = System.getenv("BENCH_JFR");
        if (jfrDir != null && !jfrDir.isBlank()) {
            // Profiling (docs/BENCHMARKS.md): one JDK Flight Recorder file per contender and round. The JVM refuses to
            // start when the recording's directory does not exist.
            Files.createDirectories(Path.of(jfrDir));
            command.add("-XX:StartFlightRecording=settings=profile,filename="
                    + Path.of(jfrDir, scenario.name + "-" + contender + "-" + round + ".jfr").toAbsolutePath());
        }
        Map<String, String> env = new LinkedHashMap<>();
        switch (contender) {
            case "dataflow":
            case "baseline":
                String jar = contender.equals("dataflow") ? "target/dataflow-flink.jar" : baselineJar().toString();
                // With a recording, the JVM the jar's launcher would start is started directly, so that the launcher's
                // own (idle) JVM does not write the same recording file when it exits.
                command.addAll(jfrDir != null && !jfrDir.isBlank()
                        ? List.of("-cp", jar + java.io.File.pathSeparator + "target/flink-lib/*", "io.dataflow.flink.cli.Main")
                        : List.of("-jar", jar));
                command.addAll(List.of("run", "--local", "--web-port", "0", "bench/" + scenario.name + ".yaml"));
                env.put("BENCH_BROKERS", brokers);
                env.put("BENCH_TOPIC", input);
                env.put("BENCH_SOURCE_TABLE", input);
                env.put("BENCH_TABLE", table);
                env.put("BENCH_OUT_TOPIC", outTopic);
                env.put("BENCH_PG_URL", jdbcUrl.replace("jdbc:postgresql://", "postgres://postgres@"));
                env.put("BENCH_CH_URL", clickHouseUrl);
                env.put("BENCH_NESSIE_URL", nessieUrl);
                env.put("BENCH_WAREHOUSE", warehouse);
                env.put("BENCH_NAMESPACE", NESSIE_NAMESPACE);
                env.put("BENCH_GROUP", "dataflow-" + suffix);
                break;
            case "peer":
                // The JVM flags Flink's own distribution sets on Java 17 (env.java.opts.all): the official connectors
                // hand Flink types it serializes with Kryo, which needs them.
                command.addAll(FLINK_JAVA17_OPENS);
                command.addAll(List.of("-cp", classpath));
                command.addAll(peerArguments(input, table, outTopic));
                break;
            default:
                command.addAll(List.of("-cp", classpath));
                command.addAll(limitArguments(input, table, outTopic));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output;
        FlowWindow.Flow flow;
        try (FlowWatch watch = new FlowWatch(new ProcessTreeCpu(p.toHandle(), clockTicksPerSecond), target(table, outTopic),
                scenario.expected(records), contender)) {
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(contender + " failed (exit " + p.exitValue() + "):\n" + tail(output));
            }
            flow = watch.flow();
        }
        long millis = parseMillis(contender, output);
        Matcher time = TIME_LINE.matcher(output);
        if (!time.find()) {
            throw new IllegalStateException("no /usr/bin/time line in the output of " + contender);
        }
        long delivered = delivered(table, outTopic);
        long expected = scenario.expected(records);
        if (delivered != expected) {
            throw new IllegalStateException(contender + " delivered " + delivered + " records, expected " + expected);
        }
        dropTarget(table);
        return new Run(contender, records * 1000.0 / Math.max(1, millis), Long.parseLong(time.group(1)) / 1024,
                Double.parseDouble(time.group(2)) + Double.parseDouble(time.group(3)), heapAfterGc(gcDir, gcPrefix), flow);
    }

    /** The records the target of this run shows while the contender runs, for its {@link FlowWatch}. */
    private FlowWatch.Target target(String table, String outTopic) throws Exception {
        switch (scenario.output) {
            case POSTGRES: {
                Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
                java.sql.PreparedStatement count = c.prepareStatement("SELECT count(*) FROM " + table);
                return new FlowWatch.Target() {
                    @Override
                    public long visible() throws Exception {
                        try (ResultSet rs = count.executeQuery()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }

                    @Override
                    public void close() throws Exception {
                        c.close();
                    }
                };
            }
            case KAFKA: {
                Admin admin = admin();
                return new FlowWatch.Target() {
                    @Override
                    public long visible() throws Exception {
                        return endOffsets(admin, outTopic);
                    }

                    @Override
                    public void close() {
                        admin.close();
                    }
                };
            }
            case CLICKHOUSE: {
                BenchClickHouse clickHouse = new BenchClickHouse(clickHouseUrl);
                return new FlowWatch.Target() {
                    @Override
                    public long visible() throws Exception {
                        return clickHouse.count("default." + table);
                    }

                    @Override
                    public void close() {
                    }
                };
            }
            case NESSIE: {
                // Rows in written data files, not in commits: see WrittenParquetRows.
                WrittenParquetRows written;
                try (BenchNessie nessie = new BenchNessie(nessieUrl, warehouse)) {
                    written = new WrittenParquetRows(nessie.dataDirectory(NESSIE_NAMESPACE, table));
                }
                return new FlowWatch.Target() {
                    @Override
                    public long visible() throws Exception {
                        return written.rows();
                    }

                    @Override
                    public void close() {
                    }
                };
            }
            default:
                throw new IllegalStateException("no target for " + scenario.output);
        }
    }

    /** The largest heap in use after any collection, over the GC logs of one contender run (-1: no collection). */
    private static long heapAfterGc(Path gcDir, String prefix) throws IOException {
        long max = -1;
        try (java.util.stream.Stream<Path> logs = Files.list(gcDir)) {
            for (Path log : (Iterable<Path>) logs.filter(f -> f.getFileName().toString().startsWith(prefix))::iterator) {
                Matcher m = GC_HEAP.matcher(Files.readString(log));
                while (m.find()) {
                    max = Math.max(max, Long.parseLong(m.group(2)));
                }
            }
        }
        return max;
    }

    /**
     * The baseline jar in a directory of its own beside a link to this build's {@code flink-lib/}, so that the jar's
     * launcher starts it exactly as it starts the dataflow contender's; copied once per bench run. With
     * {@code BENCH_BASELINE_CLASS_ARCHIVE=true} it gets a class-data archive of its own there ({@code class-archive}),
     * as the build gives the dataflow contender's jar, so that a change other than the archive is measured alone.
     */
    private Path baselineJar() throws IOException, InterruptedException {
        if (preparedBaselineJar != null) {
            return preparedBaselineJar;
        }
        Path dir = Path.of("target", "bench", "baseline").toAbsolutePath();
        Files.createDirectories(dir);
        Path jar = dir.resolve("dataflow-flink.jar");
        Files.copy(Path.of(baselineJar), jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path lib = dir.resolve("flink-lib");
        if (!Files.exists(lib)) {
            Files.createSymbolicLink(lib, Path.of("target", "flink-lib").toAbsolutePath());
        }
        if ("true".equals(System.getenv("BENCH_BASELINE_CLASS_ARCHIVE"))) {
            Process archive = new ProcessBuilder("java", "-jar", jar.toString(), "class-archive").inheritIO().start();
            if (archive.waitFor() != 0) {
                throw new IllegalStateException("class-archive of the baseline jar " + baselineJar + " failed");
            }
        }
        preparedBaselineJar = jar;
        return jar;
    }

    private List<String> peerArguments(String input, String table, String outTopic) {
        String p = String.valueOf(parallelism);
        switch (scenario) {
            case KAFKA_TO_POSTGRES:
            case KAFKA_TO_POSTGRES_UPSERT:
                return List.of(PeerKafkaToPostgres.class.getName(), brokers, input, jdbcUrl, table, p,
                        String.valueOf(scenario == Scenario.KAFKA_TO_POSTGRES_UPSERT));
            case KAFKA_TO_KAFKA:
                return List.of(PeerKafkaToKafka.class.getName(), brokers, input, outTopic, p);
            case KAFKA_TO_NESSIE:
                return List.of(PeerKafkaToNessie.class.getName(), brokers, input, nessieUrl, warehouse, NESSIE_NAMESPACE, table, p);
            case POSTGRES_TO_KAFKA:
                return List.of(PeerPostgresToKafka.class.getName(), jdbcUrl, input, brokers, outTopic, p);
            default:
                throw new IllegalStateException(scenario.name + " has no peer: " + scenario.noPeer);
        }
    }

    private List<String> limitArguments(String input, String table, String outTopic) {
        String p = String.valueOf(parallelism);
        switch (scenario) {
            case KAFKA_TO_POSTGRES:
            case KAFKA_TO_POSTGRES_UPSERT:
                return List.of(LimitKafkaToPostgres.class.getName(), brokers, input, jdbcUrl, table, p);
            case KAFKA_TO_KAFKA:
                return List.of(LimitKafkaToKafka.class.getName(), brokers, input, outTopic);
            case KAFKA_TO_CLICKHOUSE:
                return List.of(LimitKafkaToClickHouse.class.getName(), brokers, input, clickHouseUrl, "default." + table, p);
            case KAFKA_TO_NESSIE:
                return List.of(LimitKafkaToNessie.class.getName(), brokers, input, nessieUrl, warehouse, NESSIE_NAMESPACE, table, p);
            case POSTGRES_TO_KAFKA:
                return List.of(LimitPostgresToKafka.class.getName(), jdbcUrl, input, brokers, outTopic);
            default:
                throw new IllegalStateException("no limit contender for " + scenario.name);
        }
    }

    private void createTarget(String table, String outTopic) throws Exception {
        switch (scenario.output) {
            case POSTGRES:
                sql(String.format(BenchEvents.CREATE_TABLE, table, scenario == Scenario.KAFKA_TO_POSTGRES_UPSERT ? "PRIMARY KEY" : ""));
                break;
            case KAFKA:
                try (Admin admin = admin()) {
                    admin.createTopics(List.of(new NewTopic(outTopic, PARTITIONS, (short) 1))).all().get();
                }
                break;
            case CLICKHOUSE:
                new BenchClickHouse(clickHouseUrl).execute(String.format(BenchClickHouse.CREATE_TABLE, "default." + table));
                break;
            case NESSIE:
                try (BenchNessie nessie = new BenchNessie(nessieUrl, warehouse)) {
                    nessie.createTable(NESSIE_NAMESPACE, table);
                }
                break;
            default:
                throw new IllegalStateException("no target for " + scenario.output);
        }
    }

    private long delivered(String table, String outTopic) throws Exception {
        switch (scenario.output) {
            case POSTGRES:
                return count("SELECT count(*) FROM " + table);
            case KAFKA:
                return endOffsets(outTopic);
            case CLICKHOUSE:
                return new BenchClickHouse(clickHouseUrl).count("default." + table);
            case NESSIE:
                try (BenchNessie nessie = new BenchNessie(nessieUrl, warehouse)) {
                    return nessie.count(NESSIE_NAMESPACE, table);
                }
            default:
                throw new IllegalStateException("no target for " + scenario.output);
        }
    }

    /** Tables go once counted (they would fill the shared servers); output topics stay, as before. */
    private void dropTarget(String table) throws Exception {
        switch (scenario.output) {
            case POSTGRES:
                sql("DROP TABLE " + table);
                break;
            case CLICKHOUSE:
                new BenchClickHouse(clickHouseUrl).execute("DROP TABLE default." + table);
                break;
            case NESSIE:
                try (BenchNessie nessie = new BenchNessie(nessieUrl, warehouse)) {
                    nessie.drop(NESSIE_NAMESPACE, table);
                }
                break;
            default:
                break;
        }
    }

    private static long parseMillis(String contender, String output) {
        boolean job = contender.equals("dataflow") || contender.equals("baseline");
        Matcher m = (job ? DATAFLOW_LINE : BENCH_LINE).matcher(output);
        if (!m.find()) {
            throw new IllegalStateException(contender + " printed no result line:\n" + tail(output));
        }
        return Long.parseLong(job ? m.group(1) : m.group(2));
    }

    private String report(Map<String, List<Run>> runs) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", scenario.name);
        json.put("records", records);
        json.put("rounds", rounds);
        json.put("parallelism", parallelism);
        if (scenario.noPeer != null) {
            json.put("peer", "na");
            json.put("peer_na_reason", scenario.noPeer);
        }
        System.out.printf(Locale.ROOT, "%n%s: %,d records, %d rounds, parallelism %d%n", scenario.name, records, rounds, parallelism);
        System.out.printf(Locale.ROOT, "%-9s %12s %12s %12s %10s %10s %6s %14s %14s %11s %10s%n", "contender", "median rec/s", "min", "max",
                "peak RSS", "CPU s", "-Xmx", "heap after GC", "flowing CPU s", "in window", "us/record");
        Map<String, Double> medians = new LinkedHashMap<>();
        Map<String, Double> cpus = new LinkedHashMap<>();
        Map<String, Double> steadyMicros = new LinkedHashMap<>();
        for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
            List<Double> rates = e.getValue().stream().map(Run::recordsPerSecond).sorted().collect(Collectors.toList());
            double median = rates.get(rates.size() / 2);
            medians.put(e.getKey(), median);
            long rss = e.getValue().stream().mapToLong(Run::peakRssMb).max().orElse(0);
            double cpu = e.getValue().stream().mapToDouble(Run::cpuSeconds).sorted().toArray()[rates.size() / 2];
            cpus.put(e.getKey(), cpu);
            long heapAfterGc = e.getValue().stream().mapToLong(Run::heapAfterGcMb).max().orElse(-1);
            String xmx = e.getKey().equals("dataflow") || e.getKey().equals("baseline") ? dataflowHeap : CONTENDER_HEAP;
            List<FlowWindow.Flow> flows = e.getValue().stream().map(Run::flow).collect(Collectors.toList());
            double flowingCpu = SteadyCpu.median(flows.stream().map(FlowWindow.Flow::cpuSeconds).collect(Collectors.toList()));
            double inWindow = SteadyCpu.median(flows.stream().filter(f -> Double.isFinite(f.cpuSeconds()))
                    .map(f -> (double) f.records()).collect(Collectors.toList()));
            double micros = SteadyCpu.microsPerRecord(flows);
            steadyMicros.put(e.getKey(), micros);
            System.out.printf(Locale.ROOT, "%-9s %12.0f %12.0f %12.0f %7d MB %10.1f %6s %11d MB %14s %11s %10s%n", e.getKey(), median,
                    rates.get(0), rates.get(rates.size() - 1), rss, cpu, xmx, heapAfterGc,
                    Double.isFinite(flowingCpu) ? String.format(Locale.ROOT, "%.2f", flowingCpu) : "na",
                    Double.isFinite(inWindow) ? String.format(Locale.ROOT, "%.0f", inWindow) : "na", SteadyCpu.micros(micros));
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("median", median);
            figures.put("min", rates.get(0));
            figures.put("max", rates.get(rates.size() - 1));
            figures.put("peakRssMb", rss);
            figures.put("cpuSeconds", cpu);
            figures.put("xmx", xmx);
            figures.put("heapAfterGcMb", heapAfterGc);
            // The medians over the rounds whose window was observed; "na" when none was.
            figures.put("flowingCpuSeconds", Double.isFinite(flowingCpu) ? (Object) flowingCpu : "na");
            figures.put("recordsInWindow", Double.isFinite(inWindow) ? (Object) (long) inWindow : "na");
            figures.put("cpuMicrosPerRecord", Double.isFinite(micros) ? (Object) micros : "na");
            json.put(e.getKey(), figures);
        }
        double dataflow = medians.getOrDefault("dataflow", Double.NaN);
        double peer = medians.getOrDefault("peer", Double.NaN);
        double limit = medians.getOrDefault("limit", Double.NaN);
        double peerRatio = dataflow / peer;
        double limitRatio = dataflow / limit;
        double cpuRatio = cpus.getOrDefault("dataflow", Double.NaN) / cpus.getOrDefault("limit", Double.NaN);
        json.put("peer_ratio", Double.isFinite(peerRatio) ? (Object) peerRatio : "na");
        json.put("limit_ratio", Double.isFinite(limitRatio) ? (Object) limitRatio : "na");
        json.put("cpu_ratio", Double.isFinite(cpuRatio) ? (Object) cpuRatio : "na");
        double steadyRatio = SteadyCpu.ratio(steadyMicros);
        json.put("steady_cpu_ratio", Double.isFinite(steadyRatio) ? (Object) steadyRatio : "na");
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(scenario.name + ".json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        String baseline = medians.containsKey("baseline") ? String.format(Locale.ROOT, " baseline=%s baseline_cpu=%.1f baseline_steady_us=%s",
                rate(medians.get("baseline")), cpus.get("baseline"), SteadyCpu.micros(steadyMicros.get("baseline"))) : "";
        return String.format(Locale.ROOT, "RESULT %s dataflow=%s peer=%s limit=%s peer_ratio=%s limit_ratio=%s cpu_ratio=%s %s heap=%s%s",
                scenario.name, rate(dataflow), rate(peer), rate(limit), ratio(peerRatio), ratio(limitRatio), ratio(cpuRatio),
                SteadyCpu.resultFields(steadyMicros), dataflowHeap, baseline);
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
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
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

    /**
     * The postgres-to-kafka input: the same N events as rows of a table with a primary key on id (the polling
     * source's cursor column), loaded once with COPY and reused while it holds exactly N rows.
     */
    private void ensureSourceTable(String table) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", ""); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = '" + table + "'")) {
                rs.next();
                if (rs.getLong(1) == 1 && count("SELECT count(*) FROM " + table) == records) {
                    return;
                }
            }
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute(String.format(BenchEvents.CREATE_TABLE, table, "PRIMARY KEY"));
            org.postgresql.copy.CopyIn copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN");
            StringBuilder rows = new StringBuilder(1 << 20);
            for (long id = 1; id <= records; id++) {
                rows.append(BenchEvents.row(id));
                if (rows.length() >= 1 << 20 || id == records) {
                    byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
                    copy.writeToCopy(bytes, 0, bytes.length);
                    rows.setLength(0);
                }
            }
            copy.endCopy();
            s.execute("ANALYZE " + table);
        }
        System.err.printf("loaded %,d rows into %s%n", records, table);
    }

    private long endOffsets(String topic) throws Exception {
        try (Admin admin = admin()) {
            if (!admin.listTopics().names().get().contains(topic)) {
                return -1;
            }
            return endOffsets(admin, topic);
        }
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
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
