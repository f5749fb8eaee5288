#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server (Debian's postgresql package) on 127.0.0.1, no Docker, no systemd.
# Installs the package with apt-get when no server binaries are present (needs root).
# PostgreSQL refuses to run as root, so as root the cluster is owned by and run as PG_OS_USER (postgres).
# Idempotent: when the recorded postmaster is alive it only prints its port.
# Env: PG_PORT (55432, away from a system cluster on 5432), PG_DIR ($SERVERS_BASE/postgres,
#      SERVERS_BASE: see lib.sh), PG_BINDIR (newest /usr/lib/postgresql/*/bin),
#      PG_OS_USER (postgres, used only when running as root), PG_DB (test), PG_START_TIMEOUT (60),
#      PG_EXTRA_OPTS (more "-c name=value" server settings; wal_level=logical is on for CDC),
#      PG_KEEP_DATA (true: start again on the data a `PG_KEEP_DATA=true postgres-stop.sh` left, as after an outage)
# Prints: the port on stdout. Connect: jdbc:postgresql://127.0.0.1:PORT/test user postgres, no password (trust).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PG_PORT="${PG_PORT:-55432}"
PG_DIR="${PG_DIR:-$SERVERS_BASE/postgres}"
PG_DB="${PG_DB:-test}"
PG_OS_USER="${PG_OS_USER:-postgres}"
RUN="$PG_DIR/run"
PIDFILE="$PG_DIR/postgres.pid"

if pid_alive "$PIDFILE"; then
  log "postgres already running (pid $(cat "$PIDFILE"))"; echo "$PG_PORT"; exit 0
fi
if port_open "$PG_PORT"; then log "port $PG_PORT is taken by another process"; exit 1; fi

if [ -z "${PG_BINDIR:-}" ]; then
  if ! ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    log "installing Debian's postgresql package"
    apt-get update -q >&2 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql >&2
  fi
  PG_BINDIR="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u "$PG_OS_USER" -- "$@"; else "$@"; fi; }

T0=$(date +%s%N)
RESTART=false
if [ "${PG_KEEP_DATA:-false}" = true ] && [ -d "$RUN/data" ]; then
  RESTART=true
else
  rm -rf "$RUN"; mkdir -p "$RUN"
  [ "$(id -u)" = 0 ] && chown "$PG_OS_USER" "$RUN"
  as_pg "$PG_BINDIR/initdb" -D "$RUN/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync > "$RUN/initdb.log" 2>&1 \
    || { cat "$RUN/initdb.log" >&2; exit 1; }
fi
# Test-only settings: loopback only, socket in the run dir, no durability (fast), small memory.
as_pg "$PG_BINDIR/pg_ctl" -D "$RUN/data" -l "$RUN/postgres.log" -w -t "${PG_START_TIMEOUT:-60}" start -o \
  "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $RUN -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=64MB -c max_connections=200 -c wal_level=logical -c max_replication_slots=20 -c max_wal_senders=20 ${PG_EXTRA_OPTS:-}" >&2 \
  || { cat "$RUN/postgres.log" >&2; exit 1; }
head -1 "$RUN/data/postmaster.pid" > "$PIDFILE"
$RESTART || as_pg "$PG_BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "CREATE DATABASE \"$PG_DB\"" >&2
log "postgres $("$PG_BINDIR/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$PG_PORT (db $PG_DB) after $(elapsed "$T0") s incl. initdb, pid $(cat "$PIDFILE")"
echo "$PG_PORT"
