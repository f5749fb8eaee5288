#!/usr/bin/env bash
# Stops the session cluster started by flink-start.sh (only the pids it recorded: every TaskManager's
# taskmanager-i.pid, then the JobManager) and removes its run directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
FLINK_DIR="${FLINK_DIR:-$SERVERS_BASE/flink}"
# taskmanager.pid: the single TaskManager of flink-start.sh's earlier versions
for f in "$FLINK_DIR"/taskmanager*.pid; do stop_pidfile "$f" 30; done
stop_pidfile "$FLINK_DIR/jobmanager.pid" 30
rm -rf "$FLINK_DIR/run"
log "flink stopped"
