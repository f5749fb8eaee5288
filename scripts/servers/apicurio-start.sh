#!/usr/bin/env bash
# Starts a real Apicurio Registry (Confluent-compatible Schema Registry API under /apis/ccompat/v7) on 127.0.0.1,
# in-memory storage, no Docker: the Quarkus distribution io.apicurio:apicurio-registry-app:VERSION:tar.gz:all that
# Maven Central serves. Apicurio 3 is built for Java 21: APICURIO_JAVA_HOME or the first /usr/lib/jvm JDK >= 21.
# Idempotent: when the recorded server is alive it only prints its port.
# Env: APICURIO_VERSION (3.3.3), APICURIO_PORT (18095; its management interface takes APICURIO_PORT+1), APICURIO_DIR ($SERVERS_BASE/apicurio), APICURIO_HEAP (384m),
#      APICURIO_JAVA_HOME, APICURIO_START_TIMEOUT (120)
# Prints: the port on stdout. Schemas: http://127.0.0.1:PORT/apis/ccompat/v7 (GET /schemas/ids/{id},
# POST /subjects/{subject}/versions).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

APICURIO_VERSION="${APICURIO_VERSION:-3.3.3}"
APICURIO_PORT="${APICURIO_PORT:-18095}"
APICURIO_DIR="${APICURIO_DIR:-$SERVERS_BASE/apicurio}"
APICURIO_HEAP="${APICURIO_HEAP:-384m}"
if [ -z "${APICURIO_JAVA_HOME:-}" ]; then
  for j in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -x "$j/bin/java" ] || continue
    v="$("$j/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')"
    if [ "${v:-0}" -ge 21 ] 2>/dev/null; then APICURIO_JAVA_HOME="$j"; break; fi
  done
fi
[ -n "${APICURIO_JAVA_HOME:-}" ] || { log "no Java 21+ found: set APICURIO_JAVA_HOME"; exit 1; }
DIST="$APICURIO_DIR/dist-$APICURIO_VERSION"
RUN="$APICURIO_DIR/run"
PIDFILE="$APICURIO_DIR/apicurio.pid"

if pid_alive "$PIDFILE"; then
  log "apicurio already running (pid $(cat "$PIDFILE"))"; echo "$APICURIO_PORT"; exit 0
fi
APICURIO_MGMT_PORT=$((APICURIO_PORT + 1))
if port_open "$APICURIO_PORT" || port_open "$APICURIO_MGMT_PORT"; then
  log "port $APICURIO_PORT or $APICURIO_MGMT_PORT is taken by another process"; exit 1
fi
if [ ! -f "$DIST/quarkus-run.jar" ]; then
  log "fetching apicurio-registry-app $APICURIO_VERSION distribution (~160 MB)"
  rm -rf "$DIST"; mkdir -p "$DIST"
  mvn -q -B dependency:copy -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
    -DoutputDirectory="$DIST" >&2
  tar -xzf "$DIST/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$DIST"
  rm -f "$DIST/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
fi

rm -rf "$RUN"; mkdir -p "$RUN"
T0=$(date +%s%N)
(cd "$RUN" && exec nohup "$APICURIO_JAVA_HOME/bin/java" -Xmx"$APICURIO_HEAP" \
   -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$APICURIO_PORT" \
   -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$APICURIO_MGMT_PORT" -Dquarkus.otel.sdk.disabled=true -Dquarkus.http.access-log.enabled=false \
   -jar "$DIST/quarkus-run.jar" > "$RUN/apicurio.log" 2>&1 < /dev/null) &
echo $! > "$PIDFILE"
log "apicurio pid $(cat "$PIDFILE"), log $RUN/apicurio.log"

ready() { curl -fsS "http://127.0.0.1:$APICURIO_PORT/apis/ccompat/v7/subjects" >/dev/null; }
if ! wait_for "${APICURIO_START_TIMEOUT:-120}" "$PIDFILE" ready; then
  tail -c 3000 "$RUN/apicurio.log" >&2; stop_pidfile "$PIDFILE" 10; exit 1
fi
log "apicurio $APICURIO_VERSION ready on 127.0.0.1:$APICURIO_PORT after $(elapsed "$T0") s, RSS $(rss_mb "$PIDFILE") MiB"
echo "$APICURIO_PORT"
