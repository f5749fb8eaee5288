#!/usr/bin/env bash
# Stops the session cluster started by flink-start.sh (only the pids it recorded) and removes its run directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
FLINK_DIR="${FLINK_DIR:-$SERVERS_BASE/flink}"
stop_pidfile "$FLINK_DIR/taskmanager.pid" 30
stop_pidfile "$FLINK_DIR/jobmanager.pid" 30
rm -rf "$FLINK_DIR/run"
log "flink stopped"
