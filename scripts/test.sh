#!/usr/bin/env bash
# README command 2: the whole test suite — unit tests (*Test) and integration tests (*ITCase) on real
# PostgreSQL, Kafka and ClickHouse servers that the tests start themselves through scripts/servers/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh test
# Trino's jars (~480 MB with the Iceberg plugin) download while Maven builds; the first test that needs Trino
# waits for this fetch (trino-start.sh holds a lock) instead of starting its own.
mkdir -p target
TRINO_FETCH_ONLY=1 scripts/servers/trino-start.sh > target/trino-prefetch.log 2>&1 &
# Keycloak's distribution (~200 MB) likewise, unzipped and built once for optimized starts (KeycloakTrinoITCase,
# NessieAuthITCase): their first Keycloak start then skips the Quarkus build
KEYCLOAK_FETCH_ONLY=1 scripts/servers/keycloak-start.sh > target/keycloak-prefetch.log 2>&1 &
mvn -B verify "$@"
