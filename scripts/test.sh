#!/usr/bin/env bash
# README command 2: the whole test suite — unit tests (*Test) and integration tests (*ITCase) on real
# PostgreSQL, Kafka and ClickHouse servers that the tests start themselves through scripts/servers/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
mvn -B verify "$@"
