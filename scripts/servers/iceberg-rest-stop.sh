#!/usr/bin/env bash
# Stops the Iceberg REST catalog server started by iceberg-rest-start.sh (only the pid it recorded); its in-memory
# catalog and warehouse directory are gone with it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ICEBERG_REST_DIR="${ICEBERG_REST_DIR:-$SERVERS_BASE/iceberg-rest}"
stop_pidfile "$ICEBERG_REST_DIR/iceberg-rest.pid" 30
rm -rf "$ICEBERG_REST_DIR/run"
log "iceberg-rest stopped"
