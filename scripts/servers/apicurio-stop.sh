#!/usr/bin/env bash
# Stops the Apicurio Registry started by apicurio-start.sh (only the pid it recorded); in-memory data is gone with it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
APICURIO_DIR="${APICURIO_DIR:-$SERVERS_BASE/apicurio}"
stop_pidfile "$APICURIO_DIR/apicurio.pid" 30
rm -rf "$APICURIO_DIR/run"
log "apicurio stopped"
