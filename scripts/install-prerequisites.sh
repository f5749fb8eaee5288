#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for the build, the tests and the demo: a JDK 17 and Maven (only
# when missing), PostgreSQL's server and psql client, curl (readiness probes of the server scripts), ClickHouse's
# server (Debian's clickhouse-server package), openssl (certificates of the secured Kafka test broker), npm and
# python3 (clickhouse-modern-start.sh: fetches chDB's engine from the npm registry, serves it over HTTP). Idempotent
# and quick when everything is there. The Java servers (Kafka, Nessie, Iceberg REST, S3Proxy, …) come from Maven
# Central through their start scripts; s3-start.sh also needs curl >= 7.75 (AWS signing), which bookworm has.
set -euo pipefail
need=()
command -v java >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
command -v psql >/dev/null || need+=(postgresql-client)
command -v curl >/dev/null || need+=(curl)
ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/sbin/clickhouse-server ] || need+=(clickhouse-server)
command -v openssl >/dev/null || need+=(openssl)
command -v npm >/dev/null || need+=(npm)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi
