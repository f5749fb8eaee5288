#!/usr/bin/env bash
# Benchmark: scripts/bench.sh <scenario|all> [--records N] [--rounds R] [--contenders dataflow,peer,limit]
# Scenarios: kafka-to-postgres, kafka-to-postgres-upsert, kafka-to-kafka, kafka-to-clickhouse, kafka-to-nessie,
# postgres-to-kafka. For each, the same input is loaded once, then the contenders run interleaved on the same
# local servers at parallelism 2 (postgres-to-kafka: 1, the polling source's one cursor):
#   dataflow  this project's job from bench/<scenario>.yaml (shaded jar, run --local)
#   peer      the same job with the official Flink connectors (Kafka 3.4.0-1.20, JDBC 3.3.0-1.20, Iceberg's
#             FlinkSink 1.9.1); none for kafka-to-clickhouse (peer=na: no official connector for Flink 1.20)
#   limit     the raw clients doing the scenario's work and nothing more (PgJDBC COPY / kafka-clients consume ->
#             Jackson streaming rewrite -> produce / the table's columns with Jackson streaming -> HTTP JSONEachRow
#             insert / Iceberg Parquet writer + append / PgJDBC cursor -> producer)
# Environment: BENCH_HEAP (default 512m) the dataflow job's -Xmx (the others run with 2g); BENCH_BASELINE_JAR=<jar> adds
# the contender "baseline", another build's dataflow-flink.jar run like dataflow (before/after in one run), with
# BENCH_BASELINE_CLASS_ARCHIVE=true with a class-data archive of its own (class-archive, as the build gives dataflow's);
# BENCH_JFR=<dir> one JDK Flight Recorder file per contender and round.
# Servers already running (shared) are reused, never restarted: the start scripts print the port of a running one.
# Prints a table and one RESULT line per scenario; JSON in target/bench/. Not run by CI (CI compiles it).
# RESULT <scenario> dataflow= peer= limit= (median records/s) peer_ratio= limit_ratio= cpu_ratio= (dataflow's whole-run
# CPU seconds over the limit's, start-up included) steady_cpu_ratio= (dataflow's CPU per record while records flow
# over the limit's) dataflow_steady_us= peer_steady_us= limit_steady_us= (CPU microseconds per record while records
# flow: each contender's processes sampled through /proc from the first record its target shows to the last) heap=
# [baseline= baseline_cpu= baseline_steady_us=]; na where a contender was not run or its window not observed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
export PG_PORT=$(scripts/servers/postgres-start.sh)
export KAFKA_PORT=$(scripts/servers/kafka-start.sh)
case "${1:-}" in
  all|kafka-to-clickhouse) export CH_HTTP_PORT=$(scripts/servers/clickhouse-start.sh) ;;
esac
case "${1:-}" in
  all|kafka-to-nessie) export NESSIE_PORT=$(scripts/servers/nessie-start.sh) ;;
esac
exec java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" io.dataflow.flink.bench.BenchMain "$@"
