#!/usr/bin/env bash
# Stops the secured Kafka broker started by kafka-secure-start.sh (only the pid it recorded) and removes its data.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DIR="${KAFKA_SECURE_DIR:-$SERVERS_BASE/kafka-secure}"
stop_pidfile "$DIR/kafka-secure.pid" 30
rm -rf "$DIR/run"
log "secure kafka stopped"
