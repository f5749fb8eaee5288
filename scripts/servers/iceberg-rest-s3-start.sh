#!/usr/bin/env bash
# Starts a second Iceberg REST catalog (iceberg-rest-start.sh, same server and test credentials) whose warehouse is
# in S3: s3://$S3_BUCKET/iceberg-rest on the local S3 server (s3-start.sh, started first when needed). Tables it
# creates, their metadata and the data files clients write all live in that bucket.
# Idempotent: when the recorded server is alive it only prints its port.
# Env: ICEBERG_REST_S3_PORT (18182), ICEBERG_REST_S3_DIR ($SERVERS_BASE/iceberg-rest-s3), and the S3_* variables of
#      s3-start.sh (port, bucket, key pair).
# Prints: the port on stdout. Catalog URI: http://127.0.0.1:PORT.
set -euo pipefail
HERE="$(dirname "$0")"
. "$HERE/lib.sh"

S3_PORT="$(bash "$HERE/s3-start.sh")"
ICEBERG_REST_PORT="${ICEBERG_REST_S3_PORT:-18182}" \
ICEBERG_REST_DIR="${ICEBERG_REST_S3_DIR:-$SERVERS_BASE/iceberg-rest-s3}" \
ICEBERG_REST_WAREHOUSE="s3://${S3_BUCKET:-dataflow-it}/iceberg-rest" \
ICEBERG_REST_S3_ENDPOINT="http://127.0.0.1:$S3_PORT" \
ICEBERG_REST_S3_REGION=us-east-1 \
ICEBERG_REST_S3_ACCESS_KEY="${S3_ACCESS_KEY:-dataflow-test-access-key}" \
ICEBERG_REST_S3_SECRET_KEY="${S3_SECRET_KEY:-dataflow-test-secret-key}" \
  exec bash "$HERE/iceberg-rest-start.sh"
