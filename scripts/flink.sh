#!/usr/bin/env bash
# Flink's own command line (org.apache.flink.client.cli.CliFrontend, what bin/flink runs) against the session cluster
# of scripts/servers/flink-start.sh, e.g.
#   scripts/flink.sh run -d target/dataflow-flink.jar jobs/examples/postgres-to-postgres.yaml
#   scripts/flink.sh list
#   scripts/flink.sh cancel JOB_ID
set -euo pipefail
. "$(dirname "$0")/servers/lib.sh"
FLINK_VERSION="${FLINK_VERSION:-1.20.5}"
FLINK_DIR="${FLINK_DIR:-$SERVERS_BASE/flink}"
if [ ! -f "$FLINK_DIR/run/conf/flink-conf.yaml" ]; then
  echo "no session cluster: start one with scripts/servers/flink-start.sh" >&2; exit 1
fi
export FLINK_CONF_DIR="$FLINK_DIR/run/conf"
read -r -a JAVA_OPTS_ALL <<< "$(sed -n 's/^env.java.opts.all: *//p' "$FLINK_CONF_DIR/flink-conf.yaml")"
exec "${JAVA:-java}" "${JAVA_OPTS_ALL[@]}" -cp "$FLINK_DIR/dist-$FLINK_VERSION/lib/*" -Dlog4j.configurationFile="file:$FLINK_CONF_DIR/log4j.properties" \
  -Dlog.file="$FLINK_DIR/run/client.log" org.apache.flink.client.cli.CliFrontend "$@"
