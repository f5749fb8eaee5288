#!/usr/bin/env bash
# JMH microbenchmarks (not tests): scripts/jmh.sh [benchmark regex] [JMH options]
# Default: TransformChainBenchmark (5-step chain on a 1 KB event vs parse+serialize only). Prints JMH's table
# and a ratio line. Needs only a JDK and Maven (installed by scripts/install-prerequisites.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
mkdir -p target/jmh
pattern="${1:-TransformChainBenchmark}"
shift || true
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main "$pattern" \
    -rf json -rff target/jmh/result.json "$@"
python3 - <<'PY'
import json
results = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"]["score"] for r in json.load(open("target/jmh/result.json"))}
if "fiveStepChain" in results and "parseAndSerialize" in results:
    chain, floor = results["fiveStepChain"], results["parseAndSerialize"]
    print(f"RESULT transform-chain five_step_ops_per_s={chain:.0f} parse_serialize_ops_per_s={floor:.0f} "
          f"chain_vs_floor={chain / floor:.2f} chain_us_per_msg={1e6 / chain:.2f}")
PY
