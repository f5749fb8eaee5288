#!/usr/bin/env bash
# Starts a real S3-compatible server on 127.0.0.1, no Docker: S3Proxy (org.gaul:s3proxy:VERSION:jar-with-dependencies
# from Maven Central, pure Java 11+) on its filesystem-nio2 backend, with AWS signature v2/v4 authentication checked
# against one test key pair, and creates the test bucket through the S3 API. Buckets are directories under run/data.
# Idempotent: when the recorded server is alive it only prints its port.
# Env: S3PROXY_VERSION (2.7.0), S3_PORT (19900), S3_BUCKET (dataflow-it), S3_ACCESS_KEY (dataflow-test-access-key),
#      S3_SECRET_KEY (dataflow-test-secret-key), S3_DIR ($SERVERS_BASE/s3, SERVERS_BASE: see lib.sh),
#      S3_HEAP (256m), S3_START_TIMEOUT (60)
# Prints: the port on stdout. Endpoint: http://127.0.0.1:PORT (path-style: http://127.0.0.1:PORT/BUCKET/KEY);
# any region name is accepted (us-east-1 in the tests).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

S3PROXY_VERSION="${S3PROXY_VERSION:-2.7.0}"
S3_PORT="${S3_PORT:-19900}"
S3_BUCKET="${S3_BUCKET:-dataflow-it}"
S3_ACCESS_KEY="${S3_ACCESS_KEY:-dataflow-test-access-key}"
S3_SECRET_KEY="${S3_SECRET_KEY:-dataflow-test-secret-key}"
S3_DIR="${S3_DIR:-$SERVERS_BASE/s3}"
S3_HEAP="${S3_HEAP:-256m}"
JAR="$S3_DIR/dist/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar"
RUN="$S3_DIR/run"
PIDFILE="$S3_DIR/s3.pid"

if pid_alive "$PIDFILE"; then
  log "s3 (s3proxy) already running (pid $(cat "$PIDFILE"))"; echo "$S3_PORT"; exit 0
fi
if port_open "$S3_PORT"; then
  log "port $S3_PORT is taken by another process"; exit 1
fi
if [ ! -f "$JAR" ]; then
  log "fetching s3proxy $S3PROXY_VERSION (jar with dependencies, ~42 MB)"
  mkdir -p "$S3_DIR/dist"
  mvn -q -B dependency:copy -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" \
    -DoutputDirectory="$S3_DIR/dist" >&2
fi

rm -rf "$RUN"; mkdir -p "$RUN/data"
# jclouds.identity/credential are the backend's (unused by the filesystem); s3proxy.identity/credential are what
# S3 clients sign with.
cat > "$RUN/s3proxy.properties" <<CONF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
jclouds.provider=filesystem-nio2
jclouds.identity=local
jclouds.credential=local
jclouds.filesystem.basedir=$RUN/data
CONF
T0=$(date +%s%N)
(cd "$RUN" && exec nohup java -Xmx"$S3_HEAP" -jar "$JAR" --properties "$RUN/s3proxy.properties" \
   > "$RUN/s3proxy.log" 2>&1 < /dev/null) &
echo $! > "$PIDFILE"
log "s3proxy pid $(cat "$PIDFILE"), log $RUN/s3proxy.log"

# curl signs with SigV4 itself; S3Proxy needs the payload hash header, which curl does not add.
s3() { curl -fsS --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
         -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"; }
ready() { s3 "http://127.0.0.1:$S3_PORT/" | grep -q ListAllMyBucketsResult; }
if ! wait_for "${S3_START_TIMEOUT:-60}" "$PIDFILE" ready; then
  tail -c 3000 "$RUN/s3proxy.log" >&2; stop_pidfile "$PIDFILE" 10; exit 1
fi
if ! s3 -X PUT "http://127.0.0.1:$S3_PORT/$S3_BUCKET" >&2; then
  log "creating bucket $S3_BUCKET failed"; tail -c 3000 "$RUN/s3proxy.log" >&2; stop_pidfile "$PIDFILE" 10; exit 1
fi
log "s3proxy $S3PROXY_VERSION ready on 127.0.0.1:$S3_PORT with bucket $S3_BUCKET after $(elapsed "$T0") s, RSS $(rss_mb "$PIDFILE") MiB"
echo "$S3_PORT"
