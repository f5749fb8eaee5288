#!/usr/bin/env bash
# Stops the S3 server started by s3-start.sh (only the pid it recorded) and removes its buckets.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
S3_DIR="${S3_DIR:-$SERVERS_BASE/s3}"
stop_pidfile "$S3_DIR/s3.pid" 30
rm -rf "$S3_DIR/run"
log "s3 stopped"
