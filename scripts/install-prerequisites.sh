#!/usr/bin/env bash
# Installs with apt what a fresh Debian machine lacks for one of the README's two commands, and nothing else.
# Usage: install-prerequisites.sh [demo|test] [--list]
#   demo  what scripts/demo.sh uses: a JDK 17 and Maven (build, Kafka's broker, the loader), PostgreSQL's server and
#         psql client. Kafka's jars come from Maven Central through scripts/servers/kafka-start.sh.
#   test  (default) what scripts/test.sh uses: the demo's packages, plus curl (readiness probes of the server
#         scripts; s3-start.sh needs curl >= 7.75 for AWS signing, which bookworm has), ClickHouse's server
#         (Debian's clickhouse-server package), openssl (certificates of the secured Kafka test broker), npm and
#         python3 (clickhouse-modern-start.sh fetches chDB's engine from the npm registry and serves it over HTTP).
#         The other Java servers (Nessie, Iceberg REST, S3Proxy, Trino, Apicurio, Flink) come from Maven Central
#         through their start scripts. Nessie 0.99 needs a JDK 21+ and Trino 483 a JDK 25+, which Debian bookworm
#         does not package: this script only looks for one (under /usr/lib/jvm, as nessie-start.sh and
#         trino-start.sh do) and says where to get it when there is none.
#   --list  print the mode's apt packages, one a line, whether installed or not, and install nothing.
# A package is installed only when the command or file it provides is missing: idempotent, and quick when everything
# is there. apt-get runs as root, through sudo when the user is not root.
set -euo pipefail
mode=test list=false
for arg in "$@"; do
  case "$arg" in
    demo | test) mode="$arg" ;;
    --list) list=true ;;
    *) echo "usage: $0 [demo|test] [--list]" >&2; exit 2 ;;
  esac
done

# java_spec HOME -> the specification version of HOME/bin/java (17, 21, 25, …), empty when there is none
java_spec() { [ -x "$1/bin/java" ] && "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p'; }
java_on_path_is_17_plus() {
  local v
  v="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')"
  [ "${v:-0}" -ge 17 ] 2>/dev/null
}

# "package|test that is true when it is present"
demo_packages=(
  "openjdk-17-jdk-headless|command -v java >/dev/null && java_on_path_is_17_plus"
  "maven|command -v mvn >/dev/null"
  "postgresql-client|command -v psql >/dev/null"
  "postgresql|ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1"
)
test_packages=(
  "curl|command -v curl >/dev/null"
  "clickhouse-server|[ -x /usr/sbin/clickhouse-server ]"
  "openssl|command -v openssl >/dev/null"
  "npm|command -v npm >/dev/null"
  "python3|command -v python3 >/dev/null"
)
packages=("${demo_packages[@]}")
[ "$mode" = test ] && packages+=("${test_packages[@]}")

if $list; then
  for p in "${packages[@]}"; do echo "${p%%|*}"; done
  exit 0
fi

need=()
for p in "${packages[@]}"; do
  eval "${p#*|}" || need+=("${p%%|*}")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi

if [ "$mode" = test ]; then
  newest=0
  for j in "${NESSIE_JAVA_HOME:-}" "${TRINO_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$j" ] || continue
    v="$(java_spec "$j" || true)"
    [ "${v:-0}" -gt "$newest" ] 2>/dev/null && newest="$v"
  done
  if [ "$newest" -lt 25 ]; then
    echo "WARNING: no JDK 25+ under /usr/lib/jvm (newest: ${newest}); the Nessie tests need a JDK 21+ and the Trino" \
      "tests a JDK 25+, so they will fail. Debian bookworm packages neither: install Temurin 25 (Adoptium's apt" \
      "repository https://packages.adoptium.net/artifactory/deb, package temurin-25-jdk, or its tarball unpacked" \
      "under /usr/lib/jvm), or set NESSIE_JAVA_HOME / TRINO_JAVA_HOME." >&2
  fi
fi
