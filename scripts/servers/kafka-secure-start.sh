#!/usr/bin/env bash
# Starts a second, secured Kafka broker (KRaft, combined broker+controller) on 127.0.0.1 for the security tests,
# beside the plain one of kafka-start.sh (own state dir and ports; the jars are shared with it). No Docker.
#   KAFKA_SECURE_PORT       (9192) SASL_PLAINTEXT, mechanisms PLAIN and SCRAM-SHA-512
#   KAFKA_SECURE_PORT + 1   (9193) SSL with client certificates required (mutual TLS)
#   KAFKA_SECURE_PORT + 2   (9194) controller, + 3 (9195) inter-broker PLAINTEXT: both loopback-only internals
# Users: PLAIN  alice / alice-secret     SCRAM-SHA-512  bob / bob-secret  (created when the storage is formatted)
# TLS material, generated on each start with openssl under $KAFKA_SECURE_DIR/run/tls:
#   ca.pem (CA certificate), broker.pem (broker key + chain), client.pem / client.key (client certificate and
#   PKCS#8 key, signed by the CA), other-ca.pem (a CA that signed nothing here, for negative tests)
# Idempotent: when the recorded broker is alive it only prints its port.
# Env: KAFKA_VERSION (4.4.0), KAFKA_SECURE_DIR ($SERVERS_BASE/kafka-secure), KAFKA_HEAP_OPTS (-Xms128m -Xmx384m),
#      JAVA (java), KAFKA_START_TIMEOUT (120)
# Prints: the SASL_PLAINTEXT port on stdout (the SSL port is that + 1).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
PORT="${KAFKA_SECURE_PORT:-9192}"
SSL_PORT=$((PORT + 1)); CONTROLLER_PORT=$((PORT + 2)); INTERNAL_PORT=$((PORT + 3))
DIR="${KAFKA_SECURE_DIR:-$SERVERS_BASE/kafka-secure}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx384m}"
JAVA="${JAVA:-java}"
DIST="$SERVERS_BASE/kafka/dist-$KAFKA_VERSION"   # the same jar cache as kafka-start.sh
RUN="$DIR/run"
PIDFILE="$DIR/kafka-secure.pid"

if pid_alive "$PIDFILE"; then
  log "secure kafka already running (pid $(cat "$PIDFILE"))"
  echo "$PORT"; exit 0
fi
for p in "$PORT" "$SSL_PORT" "$CONTROLLER_PORT" "$INTERNAL_PORT"; do
  if port_open "$p"; then log "port $p is taken by another process"; exit 1; fi
done
command -v openssl >/dev/null || { log "openssl is missing (scripts/install-prerequisites.sh installs it)"; exit 1; }

log "fetching kafka $KAFKA_VERSION jars (cached in $DIST)"
mvn_fetch_deps "$DIST" "
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.17</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>2.24.3</version></dependency>"

rm -rf "$RUN"; mkdir -p "$RUN/data" "$RUN/tls"
TLS="$RUN/tls"
# A CA, a broker certificate for 127.0.0.1/localhost and a client certificate, all signed by the CA; RSA 2048, 2 days.
sign() { # sign NAME SUBJECT [SAN]
  openssl req -newkey rsa:2048 -nodes -keyout "$TLS/$1.key" -subj "$2" -out "$TLS/$1.csr" 2>/dev/null
  if [ -n "${3:-}" ]; then printf 'subjectAltName=%s\n' "$3" > "$TLS/$1.ext"; else : > "$TLS/$1.ext"; fi
  openssl x509 -req -in "$TLS/$1.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial -days 2 -sha256 \
    -extfile "$TLS/$1.ext" -out "$TLS/$1.pem" 2>/dev/null
}
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TLS/ca.key" -subj "/CN=dataflow test CA" -days 2 -out "$TLS/ca.pem" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TLS/other-ca.key" -subj "/CN=unrelated CA" -days 2 -out "$TLS/other-ca.pem" 2>/dev/null
sign broker "/CN=localhost" "IP:127.0.0.1,DNS:localhost"
sign client "/CN=dataflow-client"
# The broker's PEM key store: PKCS#8 key followed by its certificate chain.
cat "$TLS/broker.key" "$TLS/broker.pem" "$TLS/ca.pem" > "$TLS/broker-keystore.pem"

cat > "$RUN/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=SASL_PLAINTEXT://127.0.0.1:$PORT,SSL://127.0.0.1:$SSL_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT,INTERNAL://127.0.0.1:$INTERNAL_PORT
advertised.listeners=SASL_PLAINTEXT://127.0.0.1:$PORT,SSL://127.0.0.1:$SSL_PORT,INTERNAL://127.0.0.1:$INTERNAL_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.ssl.ssl.client.auth=required
listener.name.ssl.ssl.keystore.type=PEM
listener.name.ssl.ssl.keystore.location=$TLS/broker-keystore.pem
listener.name.ssl.ssl.truststore.type=PEM
listener.name.ssl.ssl.truststore.location=$TLS/ca.pem
log.dirs=$RUN/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
EOF
cat > "$RUN/log4j2.properties" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
EOF

CP="$DIST/lib/*"
JOPTS=(-Dlog4j2.configurationFile="$RUN/log4j2.properties" -Djava.awt.headless=true -XX:+UseG1GC -XX:MaxGCPauseMillis=20)
T0=$(date +%s%N)
CLUSTER_ID="-"
while [[ "$CLUSTER_ID" == -* ]]; do CLUSTER_ID="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"; done
"$JAVA" -cp "$CP" "${JOPTS[@]}" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$RUN/server.properties" \
    --add-scram 'SCRAM-SHA-512=[name=bob,password=bob-secret]' > "$RUN/format.log" 2>&1 \
  || { cat "$RUN/format.log" >&2; exit 1; }

# shellcheck disable=SC2086
nohup "$JAVA" $KAFKA_HEAP_OPTS "${JOPTS[@]}" -cp "$CP" kafka.Kafka "$RUN/server.properties" > "$RUN/kafka.log" 2>&1 < /dev/null &
echo $! > "$PIDFILE"
log "secure kafka pid $(cat "$PIDFILE"), log $RUN/kafka.log"

ready() { port_open "$PORT" && port_open "$SSL_PORT" && grep -q "Kafka Server started" "$RUN/kafka.log"; }
if ! wait_for "${KAFKA_START_TIMEOUT:-120}" "$PIDFILE" ready; then
  tail -50 "$RUN/kafka.log" >&2; stop_pidfile "$PIDFILE" 10; exit 1
fi
log "secure kafka ready: SASL_PLAINTEXT 127.0.0.1:$PORT, SSL 127.0.0.1:$SSL_PORT after $(elapsed "$T0") s, RSS $(rss_mb "$PIDFILE") MiB"
echo "$PORT"
