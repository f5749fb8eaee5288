#!/usr/bin/env bash
# Starts a standalone Flink session cluster on 127.0.0.1: one JobManager and FLINK_TASKMANAGERS TaskManagers (2 slots
# each), assembled from the Flink jars on Maven Central (the distribution tarball is not served there). It is what
# `flink run` talks to: submit with scripts/flink.sh run target/dataflow-flink.jar MANIFEST. The Prometheus reporter is
# loaded as a plugin, as in a distribution (see Metrics below).
# Idempotent, and it tops up: when the JobManager is alive it starts only the TaskManagers whose process is gone (one
# killed with kill -9, or a FLINK_TASKMANAGERS larger than before) with the settings of the cluster's first start,
# waits until each has registered, and prints the REST port; with nothing missing it only prints the port. TaskManager
# i (1..N) has its pid file taskmanager-i.pid, its log run/taskmanager-i.log (a replacement appends to it), its tmp dir
# run/tmp/taskmanager-i and the resource id taskmanager-i-<start time> (the id in the REST API and in metric labels);
# its RPC and data ports are chosen free by Flink, its metrics port is the first free one of FLINK_METRICS_PORTS.
# Metrics: with target/dataflow-flink.jar built, the project's reporter (DataflowPrometheusReporterFactory) serves the
# original's dataflow_* series beside Flink's, loaded as the image loads it (a plugin: a copy of the jar beside Flink's
# reporter, taken at the cluster's start so that a rebuild does not change a jar the processes read); without the jar,
# Flink's own reporter (flink_* series only).
# Env: FLINK_TASKMANAGERS (2; at most 9 with the default metrics port range), FLINK_EXTRA_JAVA_OPTS (extra JVM
#      flags), FLINK_VERSION (1.20.5), FLINK_REST_PORT (18081), FLINK_RPC_PORT (16123), FLINK_METRICS_PORTS (19250-19259),
#      FLINK_DIR ($SERVERS_BASE/flink, SERVERS_BASE: see lib.sh), JAVA (java), FLINK_START_TIMEOUT (180)
# Prints: the REST port on stdout (web UI and REST API on http://127.0.0.1:PORT).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FLINK_VERSION="${FLINK_VERSION:-1.20.5}"
FLINK_PROMETHEUS_VERSION="${FLINK_PROMETHEUS_VERSION:-1.20.3}" # the newest 1.20 release of that module
FLINK_REST_PORT="${FLINK_REST_PORT:-18081}"
FLINK_RPC_PORT="${FLINK_RPC_PORT:-16123}"
FLINK_METRICS_PORTS="${FLINK_METRICS_PORTS:-19250-19259}"
FLINK_DIR="${FLINK_DIR:-$SERVERS_BASE/flink}"
JAVA="${JAVA:-java}"
PROJECT_DIR="$(cd "$(dirname "$0")/../.." && pwd)"
DIST="$FLINK_DIR/dist-$FLINK_VERSION"
RUN="$FLINK_DIR/run"
JM_PID="$FLINK_DIR/jobmanager.pid"
TASKMANAGERS="${FLINK_TASKMANAGERS:-2}"
# What start_taskmanager needs (java, class path, JVM flags, memory settings), saved at the cluster's start so that a
# replacement TaskManager starts exactly like its siblings, whatever the environment of the later call.
TM_ENV="$RUN/taskmanager.env"
if ! [[ "$TASKMANAGERS" =~ ^[1-9][0-9]*$ ]]; then log "FLINK_TASKMANAGERS must be a whole number >= 1, got '$TASKMANAGERS'"; exit 1; fi

tm_pidfile() { echo "$FLINK_DIR/taskmanager-$1.pid"; }

# start_taskmanager I: starts TaskManager I in the background, records its pid, prints its resource id
start_taskmanager() {
  local i="$1" id
  id="taskmanager-$i-$(date +%s%N | cut -c1-13)"
  mkdir -p "$RUN/tmp/taskmanager-$i"
  # shellcheck disable=SC2086 # the computed flags are word lists
  nohup "$JAVA" ${TM_PARAMS[0]} -Dlog.file="$RUN/taskmanager-$i.log" "${common[@]}" -Djava.io.tmpdir="$RUN/tmp/taskmanager-$i" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$RUN/conf" ${TM_PARAMS[1]} \
    -D "io.tmp.dirs=$RUN/tmp/taskmanager-$i" -D "taskmanager.resource-id=$id" \
    >> "$RUN/taskmanager-$i.out" 2>&1 < /dev/null &
  echo $! > "$(tm_pidfile "$i")"
  echo "$id"
}

# registered ID: the JobManager's REST API lists the TaskManager with that resource id
registered() { curl -sf "http://127.0.0.1:$FLINK_REST_PORT/taskmanagers" | grep -q "\"id\":\"$1\""; }

if pid_alive "$JM_PID" && [ -f "$TM_ENV" ]; then
  missing=()
  for ((i = 1; i <= TASKMANAGERS; i++)); do pid_alive "$(tm_pidfile "$i")" || missing+=("$i"); done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "flink already running (jobmanager pid $(cat "$JM_PID"), $TASKMANAGERS taskmanagers)"
    echo "$FLINK_REST_PORT"; exit 0
  fi
  PLUGINS_DIR="$DIST/plugins" # what a cluster started before the plugins were copied per start used
  # shellcheck disable=SC1090 # written by this script's full start below
  . "$TM_ENV"
  export FLINK_CONF_DIR="$RUN/conf" FLINK_PLUGINS_DIR="$PLUGINS_DIR"
  for i in "${missing[@]}"; do
    id="$(start_taskmanager "$i")"
    log "flink taskmanager $i (re)started: pid $(cat "$(tm_pidfile "$i")"), resource id $id"
    if ! wait_for "${FLINK_START_TIMEOUT:-180}" "$(tm_pidfile "$i")" registered "$id"; then
      tail -n 30 "$RUN/taskmanager-$i.log" "$RUN/taskmanager-$i.out" >&2 || true
      stop_pidfile "$(tm_pidfile "$i")" 10; exit 1
    fi
  done
  log "flink taskmanagers ${missing[*]} registered with the running jobmanager"
  echo "$FLINK_REST_PORT"; exit 0
fi
# a full (re)start; taskmanager.pid is the single TaskManager of this script's earlier versions
for f in "$FLINK_DIR"/taskmanager*.pid; do stop_pidfile "$f" 10; done
stop_pidfile "$JM_PID" 10
if port_open "$FLINK_REST_PORT" || port_open "$FLINK_RPC_PORT"; then
  log "port $FLINK_REST_PORT or $FLINK_RPC_PORT is taken by another process"; exit 1
fi

log "fetching flink $FLINK_VERSION jars (cached in $DIST)"
mvn_fetch_deps "$DIST" "
    <dependency><groupId>org.apache.flink</groupId><artifactId>flink-clients</artifactId><version>$FLINK_VERSION</version></dependency>
    <dependency><groupId>org.apache.flink</groupId><artifactId>flink-runtime-web</artifactId><version>$FLINK_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.24.3</version></dependency>"
if [ ! -f "$DIST/plugins/metrics-prometheus/.complete" ]; then
  mkdir -p "$DIST/plugins/metrics-prometheus"
  (cd "$DIST" && mvn -q -B dependency:copy -Dartifact="org.apache.flink:flink-metrics-prometheus:$FLINK_PROMETHEUS_VERSION" \
      -DoutputDirectory=plugins/metrics-prometheus) >&2
  touch "$DIST/plugins/metrics-prometheus/.complete"
fi

rm -rf "$RUN"; mkdir -p "$RUN/conf" "$RUN/checkpoints" "$RUN/savepoints" "$RUN/tmp"
PLUGINS_DIR="$RUN/plugins"
mkdir -p "$PLUGINS_DIR/metrics-prometheus"
cp "$DIST"/plugins/metrics-prometheus/*.jar "$PLUGINS_DIR/metrics-prometheus/"
REPORTER=org.apache.flink.metrics.prometheus.PrometheusReporterFactory
if [ -f "$PROJECT_DIR/target/dataflow-flink.jar" ]; then
  cp "$PROJECT_DIR/target/dataflow-flink.jar" "$PLUGINS_DIR/metrics-prometheus/dataflow-flink.jar"
  REPORTER=io.dataflow.flink.metrics.DataflowPrometheusReporterFactory
else
  log "no $PROJECT_DIR/target/dataflow-flink.jar: Flink's own Prometheus reporter, without the dataflow_* series"
fi
# The project's config.yaml (Flink's standard YAML), with the addresses, ports, directories and memory of this machine.
# Flink's own tool merges them (what the distribution's bin/config-parser-utils.sh runs): it reads the nested file and
# writes it back flattened, one "key: value" a line, which is standard YAML too and what the sed lines below read.
# metrics.fetcher.update-interval: the REST API's metric values refresh every second (default 10 s), so tests read
# fresh figures.
# heartbeat.interval 2 s (default 10 s): a killed TaskManager refuses two heartbeat calls in a row and is declared lost
# after about 4 s instead of 20 s, so a job fails over to the replacement without restart attempts on the dead one's
# slots; heartbeat.timeout stays 50 s for a TaskManager that is alive but slow (a loaded laptop).
cp "$PROJECT_DIR/flink-conf/config.yaml" "$RUN/conf/config.yaml"
merged="$("$JAVA" -cp "$DIST/lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils UPDATE_AND_GET_FLINK_CONFIGURATION \
  --configDir "$RUN/conf" -flatten \
  -D jobmanager.rpc.address=127.0.0.1 -D jobmanager.rpc.port="$FLINK_RPC_PORT" \
  -D jobmanager.bind-host=127.0.0.1 -D taskmanager.bind-host=127.0.0.1 -D taskmanager.host=127.0.0.1 \
  -D rest.address=127.0.0.1 -D rest.bind-address=127.0.0.1 -D rest.port="$FLINK_REST_PORT" \
  -D execution.checkpointing.dir="file://$RUN/checkpoints" -D execution.checkpointing.savepoint-dir="file://$RUN/savepoints" \
  -D io.tmp.dirs="$RUN/tmp" -D metrics.reporter.prom.port="$FLINK_METRICS_PORTS" -D metrics.reporter.prom.factory.class="$REPORTER" \
  -D metrics.fetcher.update-interval=1000 -D heartbeat.interval=2s \
  -D jobmanager.memory.process.size=768m -D taskmanager.memory.process.size=1024m 2>/dev/null \
  | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p')"
if [ -z "$merged" ]; then
  log "BashJavaUtils could not read $PROJECT_DIR/flink-conf/config.yaml"; exit 1
fi
{
  echo "# flink-start.sh: the project's flink-conf/config.yaml with a session cluster on loopback (generated)"
  echo "$merged"
} > "$RUN/conf/config.yaml"
printf '%s\n' 'rootLogger.level = INFO' 'rootLogger.appenderRef.file.ref = file' 'appender.file.type = File' \
  'appender.file.name = file' 'appender.file.fileName = ${sys:log.file}' 'appender.file.layout.type = PatternLayout' \
  'appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n' 'logger.pekko.name = org.apache.pekko' \
  'logger.pekko.level = WARN' > "$RUN/conf/log4j.properties"

CP="$DIST/lib/*"
read -r -a JAVA_OPTS_ALL <<< "$(sed -n 's/^env.java.opts.all: *//p' "$RUN/conf/config.yaml")"
# SoftRefLRUPolicyMSPerMB=0: a full GC also clears softly reachable objects (JDK caches such as ObjectStreamClass
# keep a failed job's exception classes, and so its class loader, softly), so a class-loader leak check after a
# jcmd GC.run sees only what is strongly held. FLINK_EXTRA_JAVA_OPTS adds flags to both processes.
common=("${JAVA_OPTS_ALL[@]}" -XX:SoftRefLRUPolicyMSPerMB=0 ${FLINK_EXTRA_JAVA_OPTS:-} -cp "$CP" -Dlog4j.configurationFile="file:$RUN/conf/log4j.properties" -XX:+UseG1GC -Djava.io.tmpdir="$RUN/tmp")
export FLINK_CONF_DIR="$RUN/conf" FLINK_PLUGINS_DIR="$PLUGINS_DIR"
# JVM flags and the derived memory settings, as bin/jobmanager.sh and bin/taskmanager.sh compute them
resource_params() {
  "$JAVA" -cp "$CP" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$RUN/conf" 2>/dev/null \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}
mapfile -t JM_PARAMS < <(resource_params GET_JM_RESOURCE_PARAMS)
mapfile -t TM_PARAMS < <(resource_params GET_TM_RESOURCE_PARAMS)
if [ "${#JM_PARAMS[@]}" -lt 2 ] || [ "${#TM_PARAMS[@]}" -lt 2 ]; then
  log "BashJavaUtils did not compute the memory settings from $RUN/conf/config.yaml"; exit 1
fi
T0=$(date +%s%N)
# shellcheck disable=SC2086 # the computed flags are word lists
nohup "$JAVA" ${JM_PARAMS[0]} -Dlog.file="$RUN/jobmanager.log" "${common[@]}" \
  org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$RUN/conf" ${JM_PARAMS[1]} \
  > "$RUN/jobmanager.out" 2>&1 < /dev/null &
echo $! > "$JM_PID"
declare -p JAVA TM_PARAMS common PLUGINS_DIR > "$TM_ENV"
for ((i = 1; i <= TASKMANAGERS; i++)); do start_taskmanager "$i" > /dev/null; done
log "flink jobmanager pid $(cat "$JM_PID"), $TASKMANAGERS taskmanagers, logs in $RUN"

# ready: every TaskManager process lives and the REST API counts all of them
ready() {
  for ((i = 1; i <= TASKMANAGERS; i++)); do pid_alive "$(tm_pidfile "$i")" || return 1; done
  curl -sf "http://127.0.0.1:$FLINK_REST_PORT/overview" | grep -q "\"taskmanagers\":$TASKMANAGERS,"
}
if ! wait_for "${FLINK_START_TIMEOUT:-180}" "$JM_PID" ready; then
  tail -n 30 "$RUN/jobmanager.log" "$RUN"/taskmanager-*.log "$RUN"/*.out >&2 || true
  for ((i = 1; i <= TASKMANAGERS; i++)); do stop_pidfile "$(tm_pidfile "$i")" 10; done
  stop_pidfile "$JM_PID" 10; exit 1
fi
tm_rss=""; for ((i = 1; i <= TASKMANAGERS; i++)); do tm_rss+=" $(rss_mb "$(tm_pidfile "$i")")"; done
log "flink session cluster ready on http://127.0.0.1:$FLINK_REST_PORT after $(elapsed "$T0") s, RSS JM $(rss_mb "$JM_PID") MiB, TMs${tm_rss} MiB"
echo "$FLINK_REST_PORT"
