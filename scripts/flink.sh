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
export FLINK_CONF_DIR="$FLINK_DIR/run/conf"
# config.yaml (flat, as flink-start.sh writes it); flink-conf.yaml is what a session started before that wrote
CONF_FILE="$FLINK_CONF_DIR/config.yaml"
[ -f "$CONF_FILE" ] || CONF_FILE="$FLINK_CONF_DIR/flink-conf.yaml"
if [ ! -f "$CONF_FILE" ]; then
  echo "no session cluster: start one with scripts/servers/flink-start.sh" >&2; exit 1
fi
read -r -a JAVA_OPTS_ALL <<< "$(sed -n 's/^env.java.opts.all: *//p' "$CONF_FILE")"
exec "${JAVA:-java}" "${JAVA_OPTS_ALL[@]}" -cp "$FLINK_DIR/dist-$FLINK_VERSION/lib/*" -Dlog4j.configurationFile="file:$FLINK_CONF_DIR/log4j.properties" \
  -Dlog.file="$FLINK_DIR/run/client.log" org.apache.flink.client.cli.CliFrontend "$@"
