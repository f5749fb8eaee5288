#!/usr/bin/env bash
# Starts a real Keycloak (OpenID Connect provider) on 127.0.0.1 in development mode, no Docker: the Quarkus
# distribution org.keycloak:keycloak-quarkus-dist:VERSION:zip from Maven Central (fetched once through Maven, so
# ~/.m2 caches it too), in-memory database, with the realm keycloak/dataflow-realm.json imported at each start.
# Keycloak 26 needs Java 21+: KEYCLOAK_JAVA_HOME or the first /usr/lib/jvm JDK >= 21 (temurin-25 on these machines).
# Idempotent: when the recorded server is alive it only prints its port.
# Env: KEYCLOAK_VERSION (26.7.3), KEYCLOAK_PORT (18380; its management interface takes KEYCLOAK_PORT+1),
#      KEYCLOAK_DIR ($SERVERS_BASE/keycloak), KEYCLOAK_HEAP (384m), KEYCLOAK_JAVA_HOME, KEYCLOAK_START_TIMEOUT (600; the first start builds the server, minutes on a loaded machine),
#      KEYCLOAK_FETCH_ONLY (non-empty: download and unpack the distribution and exit; scripts/test.sh does this during the build)
# Realm "dataflow" (test credentials): confidential clients "dataflow-client" (access tokens 300 s) and
#   "dataflow-short-lived" (2 s, for refresh tests), both secret "dataflow-test-client-secret", with client
#   credentials and password grant; user "alice" / "alice-test-password". Tokens:
#   http://127.0.0.1:PORT/realms/dataflow/protocol/openid-connect/token, keys: .../protocol/openid-connect/certs
# Prints: the port on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KEYCLOAK_VERSION="${KEYCLOAK_VERSION:-26.7.3}"
KEYCLOAK_PORT="${KEYCLOAK_PORT:-18380}"
KEYCLOAK_DIR="${KEYCLOAK_DIR:-$SERVERS_BASE/keycloak}"
KEYCLOAK_HEAP="${KEYCLOAK_HEAP:-384m}"
if [ -z "${KEYCLOAK_JAVA_HOME:-}" ]; then
  for j in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -x "$j/bin/java" ] || continue
    v="$("$j/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')"
    if [ "${v:-0}" -ge 21 ] 2>/dev/null; then KEYCLOAK_JAVA_HOME="$j"; break; fi
  done
fi
[ -n "${KEYCLOAK_JAVA_HOME:-}" ] || { log "no Java 21+ found: set KEYCLOAK_JAVA_HOME"; exit 1; }
DIST="$KEYCLOAK_DIR/dist-$KEYCLOAK_VERSION"
HOME_DIR="$DIST/keycloak-$KEYCLOAK_VERSION"
RUN="$KEYCLOAK_DIR/run"
PIDFILE="$KEYCLOAK_DIR/keycloak.pid"
REALM="$(cd "$(dirname "$0")" && pwd)/keycloak/dataflow-realm.json"

KEYCLOAK_MGMT_PORT=$((KEYCLOAK_PORT + 1))
if [ -z "${KEYCLOAK_FETCH_ONLY:-}" ]; then
  if pid_alive "$PIDFILE"; then
    log "keycloak already running (pid $(cat "$PIDFILE"))"; echo "$KEYCLOAK_PORT"; exit 0
  fi
  if port_open "$KEYCLOAK_PORT" || port_open "$KEYCLOAK_MGMT_PORT"; then
    log "port $KEYCLOAK_PORT or $KEYCLOAK_MGMT_PORT is taken by another process"; exit 1
  fi
fi
# one fetch at a time: scripts/test.sh prefetches in the background while a test may already start the server
mkdir -p "$KEYCLOAK_DIR"; exec 9>"$KEYCLOAK_DIR/.fetch.lock"; flock 9
if [ ! -x "$HOME_DIR/bin/kc.sh" ]; then
  log "fetching keycloak-quarkus-dist $KEYCLOAK_VERSION (~200 MB)"
  rm -rf "$DIST"; mkdir -p "$DIST"
  mvn -q -B dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" -DoutputDirectory="$DIST" >&2
  # the JDK's jar tool instead of unzip (not installed everywhere); it drops the scripts' executable bits
  (cd "$DIST" && "$KEYCLOAK_JAVA_HOME/bin/jar" xf "keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip")
  chmod +x "$HOME_DIR"/bin/*.sh
  rm -f "$DIST/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
fi
exec 9>&-
[ -n "${KEYCLOAK_FETCH_ONLY:-}" ] && { log "keycloak $KEYCLOAK_VERSION fetched into $DIST"; exit 0; }

rm -rf "$RUN"; mkdir -p "$RUN"
# --import-realm reads <home>/data/import; the database is in memory, so nothing else of a run stays in the dist.
rm -rf "$HOME_DIR/data"; mkdir -p "$HOME_DIR/data/import"; cp "$REALM" "$HOME_DIR/data/import/"
T0=$(date +%s%N)
(cd "$RUN" && JAVA_HOME="$KEYCLOAK_JAVA_HOME" JAVA_OPTS_KC_HEAP="-Xms64m -Xmx$KEYCLOAK_HEAP" exec nohup "$HOME_DIR/bin/kc.sh" \
   start-dev --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" --http-management-port="$KEYCLOAK_MGMT_PORT" \
   --db=dev-mem --import-realm --cache=local > "$RUN/keycloak.log" 2>&1 < /dev/null) &
echo $! > "$PIDFILE"
log "keycloak pid $(cat "$PIDFILE"), log $RUN/keycloak.log"

ready() { curl -fsS "http://127.0.0.1:$KEYCLOAK_PORT/realms/dataflow/.well-known/openid-configuration" >/dev/null; }
if ! wait_for "${KEYCLOAK_START_TIMEOUT:-600}" "$PIDFILE" ready; then
  tail -c 3000 "$RUN/keycloak.log" >&2; stop_pidfile "$PIDFILE" 10; exit 1
fi
# kc.sh stays the recorded process (it forwards TERM to its Java child and waits for it); the RSS is the child's
pgrep -P "$(cat "$PIDFILE")" -n java > "$RUN/java.pid" || true
log "keycloak $KEYCLOAK_VERSION ready on 127.0.0.1:$KEYCLOAK_PORT after $(elapsed "$T0") s, RSS $(rss_mb "$RUN/java.pid") MiB"
echo "$KEYCLOAK_PORT"
