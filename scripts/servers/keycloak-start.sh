#!/usr/bin/env bash
# Starts a real Keycloak (OpenID Connect provider) on 127.0.0.1, no Docker: the Quarkus distribution
# org.keycloak:keycloak-quarkus-dist:VERSION:zip from Maven Central (fetched once through Maven, so ~/.m2 caches it too),
# in-memory database (dev-mem), with the realm keycloak/dataflow-realm.json imported at each start.
# Fast starts: Keycloak's Quarkus build (augmentation) is made once, with the build options below, by `kc.sh build`
# right after the unpacking, so also in the KEYCLOAK_FETCH_ONLY prefetch that scripts/test.sh runs during the Maven
# build; before, `kc.sh start-dev` made it inside the first test that needed Keycloak (about 50 s of a CI run). The
# server runs as `kc.sh start --optimized` (production mode: plain HTTP switched on, hostname taken from the request,
# local cache), which skips the build check and needs less CPU than start-dev. The build is made again only when its
# options change or something else (e.g. a start-dev) re-augmented the distribution since.
# Keycloak 26 needs Java 21+: KEYCLOAK_JAVA_HOME or the first /usr/lib/jvm JDK >= 21 (temurin-25 on these machines).
# Idempotent: when the recorded server is alive it only prints its port.
# Env: KEYCLOAK_VERSION (26.7.3), KEYCLOAK_PORT (18380; its management interface takes KEYCLOAK_PORT+1),
#      KEYCLOAK_DIR ($SERVERS_BASE/keycloak), KEYCLOAK_HEAP (384m), KEYCLOAK_JAVA_HOME,
#      KEYCLOAK_JVM_OPTS ("-XX:TieredStopAtLevel=1": C1 only, as nessie-start.sh; a test server's load needs no C2),
#      KEYCLOAK_START_TIMEOUT (600; a first start that has to build waits for the build under the fetch lock first),
#      KEYCLOAK_FETCH_ONLY (non-empty: download, unpack and build the distribution and exit; scripts/test.sh does this
#      during the Maven build)
# Realm "dataflow" (test credentials): confidential clients "dataflow-client" (access tokens 300 s) and
#   "dataflow-short-lived" (2 s, for refresh tests), both secret "dataflow-test-client-secret", with client
#   credentials and password grant; user "alice" / "alice-test-password". Tokens:
#   http://127.0.0.1:PORT/realms/dataflow/protocol/openid-connect/token, keys: .../protocol/openid-connect/certs;
#   the issuer (iss) is http://127.0.0.1:PORT/realms/dataflow when tokens are asked for at that address.
# Prints: the port on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KEYCLOAK_VERSION="${KEYCLOAK_VERSION:-26.7.3}"
KEYCLOAK_PORT="${KEYCLOAK_PORT:-18380}"
KEYCLOAK_DIR="${KEYCLOAK_DIR:-$SERVERS_BASE/keycloak}"
KEYCLOAK_HEAP="${KEYCLOAK_HEAP:-384m}"
KEYCLOAK_JVM_OPTS="${KEYCLOAK_JVM_OPTS--XX:TieredStopAtLevel=1}"
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
# Build options (fixed by `kc.sh build`, ignored at an optimized start): the in-memory database, no cluster
BUILD_OPTIONS=(--db=dev-mem --cache=local)
BUILD_STAMP="$HOME_DIR/lib/quarkus/dataflow-build-options"

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
# the build is current when it was made with these options and nothing re-augmented the distribution since
if [ "$(cat "$BUILD_STAMP" 2>/dev/null)" != "${BUILD_OPTIONS[*]}" ] \
   || [ "$HOME_DIR/lib/quarkus/quarkus-application.dat" -nt "$BUILD_STAMP" ]; then
  log "building keycloak $KEYCLOAK_VERSION (${BUILD_OPTIONS[*]}) once for optimized starts"
  T0=$(date +%s%N)
  rm -f "$BUILD_STAMP"
  (cd "$DIST" && JAVA_HOME="$KEYCLOAK_JAVA_HOME" JAVA_OPTS_APPEND="$KEYCLOAK_JVM_OPTS" \
     "$HOME_DIR/bin/kc.sh" build "${BUILD_OPTIONS[@]}" > "$DIST/build.log" 2>&1) \
    || { tail -c 3000 "$DIST/build.log" >&2; exit 1; }
  echo "${BUILD_OPTIONS[*]}" > "$BUILD_STAMP"
  log "keycloak built in $(elapsed "$T0") s"
fi
exec 9>&-
[ -n "${KEYCLOAK_FETCH_ONLY:-}" ] && { log "keycloak $KEYCLOAK_VERSION fetched and built in $DIST"; exit 0; }

rm -rf "$RUN"; mkdir -p "$RUN"
# --import-realm reads <home>/data/import; the database is in memory, so nothing else of a run stays in the dist.
rm -rf "$HOME_DIR/data"; mkdir -p "$HOME_DIR/data/import"; cp "$REALM" "$HOME_DIR/data/import/"
T0=$(date +%s%N)
# production mode needs plain HTTP switched on and a hostname: here the one each request came to (127.0.0.1), which
# is also the tokens' issuer; the realm keeps Keycloak's default sslRequired=external, which lets loopback use HTTP
(cd "$RUN" && JAVA_HOME="$KEYCLOAK_JAVA_HOME" JAVA_OPTS_KC_HEAP="-Xms64m -Xmx$KEYCLOAK_HEAP" \
   JAVA_OPTS_APPEND="$KEYCLOAK_JVM_OPTS" exec nohup "$HOME_DIR/bin/kc.sh" start --optimized \
   --http-enabled=true --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" --http-management-port="$KEYCLOAK_MGMT_PORT" \
   --hostname-strict=false --import-realm > "$RUN/keycloak.log" 2>&1 < /dev/null) &
echo $! > "$PIDFILE"
log "keycloak pid $(cat "$PIDFILE"), log $RUN/keycloak.log"

# the log line tells this server from another process that may have taken the port while this one was starting
ready() {
  grep -q "Listening on: http://127.0.0.1:$KEYCLOAK_PORT" "$RUN/keycloak.log" \
    && curl -fsS "http://127.0.0.1:$KEYCLOAK_PORT/realms/dataflow/.well-known/openid-configuration" >/dev/null
}
if ! wait_for "${KEYCLOAK_START_TIMEOUT:-600}" "$PIDFILE" ready; then
  tail -c 3000 "$RUN/keycloak.log" >&2; stop_pidfile "$PIDFILE" 10; exit 1
fi
# kc.sh stays the recorded process (it forwards TERM to its Java child and waits for it); the RSS is the child's
pgrep -P "$(cat "$PIDFILE")" -n java > "$RUN/java.pid" || cp "$PIDFILE" "$RUN/java.pid"
log "keycloak $KEYCLOAK_VERSION ready on 127.0.0.1:$KEYCLOAK_PORT after $(elapsed "$T0") s, RSS $(rss_mb "$RUN/java.pid") MiB"
echo "$KEYCLOAK_PORT"
