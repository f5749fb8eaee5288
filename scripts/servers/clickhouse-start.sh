#!/usr/bin/env bash
# Starts a real ClickHouse server on 127.0.0.1 from Debian bookworm's clickhouse-server package, no Docker.
# CAVEAT: that package is ClickHouse 18.16.1 (2018). The project's connector uses the official client-v2 within
# what 18.16 supports (no response compression, FORMAT JSONEachRow in the SQL; see docs/CLICKHOUSE.md).
# No modern ClickHouse server is in the reachable registries.
# Installs the package with apt-get when missing (needs root). Idempotent: prints the port if already running.
# Env: CH_HTTP_PORT (18123), CH_TCP_PORT (19000), CH_DIR ($SERVERS_BASE/clickhouse, SERVERS_BASE
#      defaults to ~/.cache/dataflow-servers), CH_START_TIMEOUT (60)
# Prints: the HTTP port on stdout (user default, empty password).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CH_HTTP_PORT="${CH_HTTP_PORT:-18123}"
CH_TCP_PORT="${CH_TCP_PORT:-19000}"
CH_DIR="${CH_DIR:-$SERVERS_BASE/clickhouse}"
RUN="$CH_DIR/run"
PIDFILE="$CH_DIR/clickhouse.pid"
BIN=/usr/sbin/clickhouse-server

if pid_alive "$PIDFILE"; then
  log "clickhouse already running (pid $(cat "$PIDFILE"))"; echo "$CH_HTTP_PORT"; exit 0
fi
if port_open "$CH_HTTP_PORT" || port_open "$CH_TCP_PORT"; then
  log "port $CH_HTTP_PORT or $CH_TCP_PORT is taken by another process"; exit 1
fi
if [ ! -x "$BIN" ]; then
  log "installing Debian's clickhouse-server package"
  # policy-rc.d may refuse to start the packaged service; that is fine, we start our own instance
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q >&2 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends clickhouse-server >&2
fi

rm -rf "$RUN"; mkdir -p "$RUN"
cat > "$RUN/config.xml" <<EOF
<yandex>
  <logger><level>information</level><log>$RUN/server.log</log><errorlog>$RUN/error.log</errorlog><size>100M</size><count>1</count></logger>
  <http_port>$CH_HTTP_PORT</http_port>
  <tcp_port>$CH_TCP_PORT</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$RUN/data/</path>
  <tmp_path>$RUN/tmp/</tmp_path>
  <user_files_path>$RUN/user_files/</user_files_path>
  <format_schema_path>$RUN/format_schemas/</format_schema_path>
  <users_config>$RUN/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <timezone>UTC</timezone>
</yandex>
EOF
cat > "$RUN/users.xml" <<'EOF'
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
EOF

T0=$(date +%s%N)
nohup "$BIN" --config-file="$RUN/config.xml" > "$RUN/stdout.log" 2>&1 < /dev/null &
echo $! > "$PIDFILE"
ready() { curl -fsS "http://127.0.0.1:$CH_HTTP_PORT/ping" | grep -q Ok; }
if ! wait_for "${CH_START_TIMEOUT:-60}" "$PIDFILE" ready; then
  tail -c 3000 "$RUN/error.log" "$RUN/stdout.log" >&2 || true; stop_pidfile "$PIDFILE" 10; exit 1
fi
VER="$(curl -fsS "http://127.0.0.1:$CH_HTTP_PORT/" --data-binary 'SELECT version()')"
log "clickhouse $VER ready on 127.0.0.1:$CH_HTTP_PORT (http) / $CH_TCP_PORT (native) after $(elapsed "$T0") s, RSS $(rss_mb "$PIDFILE") MiB"
echo "$CH_HTTP_PORT"
