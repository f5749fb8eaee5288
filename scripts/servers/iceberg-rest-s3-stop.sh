#!/usr/bin/env bash
# Stops the S3-backed Iceberg REST catalog started by iceberg-rest-s3-start.sh (the S3 server keeps running: it has
# its own stop script).
set -euo pipefail
HERE="$(dirname "$0")"
. "$HERE/lib.sh"
ICEBERG_REST_DIR="${ICEBERG_REST_S3_DIR:-$SERVERS_BASE/iceberg-rest-s3}" exec bash "$HERE/iceberg-rest-stop.sh"
