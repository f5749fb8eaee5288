#!/usr/bin/env bash
# Starts Apache Iceberg's reference REST catalog (RESTCatalogAdapter + RESTCatalogServlet, the code of the
# apache/iceberg-rest-fixture image) on 127.0.0.1, no Docker, through iceberg-rest/LocalRestCatalogServer.java.
# It serves the Iceberg REST catalog protocol (/v1/config, namespaces, tables, commits, /v1/oauth/tokens) backed by
# Iceberg's JdbcCatalog on an in-memory SQLite database (one connection), with a local warehouse directory. Test credentials
# (see LocalRestCatalogServer.java): bearer token dataflow-test-token, OAuth2 client dataflow-test-client (any
# secret), basic dataflow / dataflow-test-password.
# Idempotent: when the recorded server is alive it only prints its port.
# Env: ICEBERG_REST_VERSION (1.9.1, the project's Iceberg), ICEBERG_REST_PORT (18181),
#      ICEBERG_REST_DIR ($SERVERS_BASE/iceberg-rest, SERVERS_BASE: see lib.sh), ICEBERG_REST_HEAP (256m),
#      ICEBERG_REST_START_TIMEOUT (60),
#      ICEBERG_REST_WAREHOUSE (file://$ICEBERG_REST_DIR/run/warehouse; an s3://bucket/path warehouse also fetches
#      iceberg-aws and the AWS SDK's S3 client and needs ICEBERG_REST_S3_ENDPOINT, ICEBERG_REST_S3_REGION,
#      ICEBERG_REST_S3_ACCESS_KEY, ICEBERG_REST_S3_SECRET_KEY: see iceberg-rest-s3-start.sh)
# Prints: the port on stdout. Catalog URI: http://127.0.0.1:PORT.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ICEBERG_REST_VERSION="${ICEBERG_REST_VERSION:-1.9.1}"
ICEBERG_REST_PORT="${ICEBERG_REST_PORT:-18181}"
ICEBERG_REST_DIR="${ICEBERG_REST_DIR:-$SERVERS_BASE/iceberg-rest}"
ICEBERG_REST_HEAP="${ICEBERG_REST_HEAP:-256m}"
DIST="$ICEBERG_REST_DIR/dist-$ICEBERG_REST_VERSION"
RUN="$ICEBERG_REST_DIR/run"
PIDFILE="$ICEBERG_REST_DIR/iceberg-rest.pid"

if pid_alive "$PIDFILE"; then
  log "iceberg-rest already running (pid $(cat "$PIDFILE"))"; echo "$ICEBERG_REST_PORT"; exit 0
fi
if port_open "$ICEBERG_REST_PORT"; then
  log "port $ICEBERG_REST_PORT is taken by another process"; exit 1
fi

log "fetching the iceberg $ICEBERG_REST_VERSION REST catalog server jars (cached in $DIST)"
mvn_fetch_deps "$DIST" "
    <dependency><groupId>org.apache.iceberg</groupId><artifactId>iceberg-core</artifactId><version>$ICEBERG_REST_VERSION</version></dependency>
    <dependency><groupId>org.apache.iceberg</groupId><artifactId>iceberg-core</artifactId><version>$ICEBERG_REST_VERSION</version><classifier>tests</classifier></dependency>
    <dependency><groupId>org.eclipse.jetty</groupId><artifactId>jetty-servlet</artifactId><version>11.0.26</version></dependency>
    <dependency><groupId>org.xerial</groupId><artifactId>sqlite-jdbc</artifactId><version>3.50.3.0</version></dependency>
    <dependency><groupId>org.apache.hadoop</groupId><artifactId>hadoop-client-api</artifactId><version>3.4.1</version></dependency>
    <dependency><groupId>org.apache.hadoop</groupId><artifactId>hadoop-client-runtime</artifactId><version>3.4.1</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>1.7.36</version></dependency>"

CLASSPATH_DIRS="$DIST/lib/*"
WAREHOUSE="${ICEBERG_REST_WAREHOUSE:-file://$RUN/warehouse}"
JAVA_OPTS=()
if [[ "$WAREHOUSE" == s3://* ]]; then
  for v in ICEBERG_REST_S3_ENDPOINT ICEBERG_REST_S3_REGION ICEBERG_REST_S3_ACCESS_KEY ICEBERG_REST_S3_SECRET_KEY; do
    [ -n "${!v:-}" ] || { log "an s3:// warehouse needs $v"; exit 1; }
  done
  export ICEBERG_REST_S3_ENDPOINT ICEBERG_REST_S3_REGION ICEBERG_REST_S3_ACCESS_KEY ICEBERG_REST_S3_SECRET_KEY
  AWS_DIST="$ICEBERG_REST_DIR/dist-aws-$ICEBERG_REST_VERSION"
  log "fetching iceberg-aws $ICEBERG_REST_VERSION and the AWS SDK S3 client (cached in $AWS_DIST)"
  mvn_fetch_deps "$AWS_DIST" "
    <dependency><groupId>org.apache.iceberg</groupId><artifactId>iceberg-aws</artifactId><version>$ICEBERG_REST_VERSION</version></dependency>
    <dependency><groupId>software.amazon.awssdk</groupId><artifactId>s3</artifactId><version>2.57.8</version></dependency>
    <dependency><groupId>software.amazon.awssdk</groupId><artifactId>url-connection-client</artifactId><version>2.57.8</version></dependency>"
  CLASSPATH_DIRS="$CLASSPATH_DIRS:$AWS_DIST/lib/*"
  # S3-compatible test stores predate the SDK's default upload checksums (sent as an HTTP trailer)
  JAVA_OPTS+=(-Daws.requestChecksumCalculation=when_required -Daws.responseChecksumValidation=when_required)
fi

rm -rf "$RUN"; mkdir -p "$RUN/warehouse"
T0=$(date +%s%N)
SRC="$(cd "$(dirname "$0")" && pwd)/iceberg-rest/LocalRestCatalogServer.java"
(cd "$RUN" && exec nohup java -Xmx"$ICEBERG_REST_HEAP" "${JAVA_OPTS[@]}" -cp "$CLASSPATH_DIRS" "$SRC" "$ICEBERG_REST_PORT" "$WAREHOUSE" \
   > "$RUN/iceberg-rest.log" 2>&1 < /dev/null) &
echo $! > "$PIDFILE"
log "iceberg-rest pid $(cat "$PIDFILE"), log $RUN/iceberg-rest.log"

ready() { curl -fsS -H "Authorization: Bearer dataflow-test-token" "http://127.0.0.1:$ICEBERG_REST_PORT/v1/config" | grep -q defaults; }
if ! wait_for "${ICEBERG_REST_START_TIMEOUT:-60}" "$PIDFILE" ready; then
  tail -c 3000 "$RUN/iceberg-rest.log" >&2; stop_pidfile "$PIDFILE" 10; exit 1
fi
log "iceberg-rest $ICEBERG_REST_VERSION ($WAREHOUSE) ready on 127.0.0.1:$ICEBERG_REST_PORT after $(elapsed "$T0") s, RSS $(rss_mb "$PIDFILE") MiB"
echo "$ICEBERG_REST_PORT"
