#!/usr/bin/env bash
# README command 1: a real pipeline on local servers and an embedded Flink MiniCluster.
# Builds the jar if needed, starts PostgreSQL and Kafka (scripts/servers), loads sample order events into the
# topic demo.orders, runs jobs/examples/kafka-to-postgres.yaml with `run --local` (Flink web UI on
# http://127.0.0.1:8081 while it runs) and prints the rows that landed in PostgreSQL.
# Env: DEMO_EVENTS (1000), DEMO_STOP_SERVERS (false: leave the servers running for you to explore).
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS="${DEMO_EVENTS:-1000}"
MANIFEST=jobs/examples/kafka-to-postgres.yaml

scripts/install-prerequisites.sh demo
if [ ! -f target/dataflow-flink.jar ]; then
  echo "== building target/dataflow-flink.jar" >&2
  mvn -B -q package -DskipTests
fi

echo "== starting PostgreSQL and Kafka" >&2
PG_PORT=$(scripts/servers/postgres-start.sh)
KAFKA_PORT=$(scripts/servers/kafka-start.sh)
if [ "${DEMO_STOP_SERVERS:-false}" = true ]; then
  trap 'scripts/servers/kafka-stop.sh; scripts/servers/postgres-stop.sh' EXIT
fi

PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d test -v ON_ERROR_STOP=1)
"${PSQL[@]}" -qc 'DROP TABLE IF EXISTS public.demo_orders, public.demo_shipments'

echo "== loading $EVENTS sample events into demo.orders" >&2
java -cp "target/dataflow-flink.jar:target/flink-lib/*" scripts/demo/LoadSampleEvents.java "127.0.0.1:$KAFKA_PORT" demo.orders "$EVENTS"

echo "== validating and planning $MANIFEST" >&2
java -jar target/dataflow-flink.jar validate "$MANIFEST"
java -jar target/dataflow-flink.jar plan "$MANIFEST"

echo "== running $MANIFEST on an embedded MiniCluster" >&2
java -jar target/dataflow-flink.jar run --local "$MANIFEST"

echo "== rows per table (drafts were filtered out, shipped orders routed to demo_shipments)" >&2
"${PSQL[@]}" -c "SELECT 'demo_orders' AS table, count(*) AS rows, count(DISTINCT order_id) AS orders, string_agg(DISTINCT status, ',') AS statuses FROM public.demo_orders
                 UNION ALL SELECT 'demo_shipments', count(*), count(DISTINCT order_id), string_agg(DISTINCT status, ',') FROM public.demo_shipments"
"${PSQL[@]}" -c 'SELECT order_id, customer, status, amount, items FROM public.demo_orders ORDER BY order_id LIMIT 5'
