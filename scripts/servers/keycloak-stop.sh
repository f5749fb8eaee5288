#!/usr/bin/env bash
# Stops the Keycloak started by keycloak-start.sh (only the pid it recorded); its in-memory realm is gone with it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
KEYCLOAK_DIR="${KEYCLOAK_DIR:-$SERVERS_BASE/keycloak}"
stop_pidfile "$KEYCLOAK_DIR/keycloak.pid" 30
# kc.sh forwards TERM to its Java child; should kc.sh itself have needed a KILL, the child is stopped here
[ -f "$KEYCLOAK_DIR/run/java.pid" ] && stop_pidfile "$KEYCLOAK_DIR/run/java.pid" 10
rm -rf "$KEYCLOAK_DIR/run"
log "keycloak stopped"
