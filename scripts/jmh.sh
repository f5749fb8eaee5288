#!/usr/bin/env bash
# JMH microbenchmarks (not tests): scripts/jmh.sh [benchmark regex] [JMH options]
# Default: TransformChainBenchmark (5-step chain on a 1 KB event vs parse+serialize only) and
# TransformStepBenchmark (each of the five steps alone, ns per message). Prints JMH's table and RESULT lines. Needs only a JDK and Maven (installed by scripts/install-prerequisites.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
mkdir -p target/jmh
pattern="${1:-Transform(Chain|Step)Benchmark}"
shift || true
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main "$pattern" \
    -rf json -rff target/jmh/result.json "$@"
python3 - <<'PY'
import json
raw = json.load(open("target/jmh/result.json"))
results = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"]["score"] for r in raw if "params" not in r}
steps = {r["params"]["step"]: r["primaryMetric"]["score"] for r in raw if "params" in r}
if steps:
    print("RESULT transform-steps " + " ".join(f"{k}_ns={v:.0f}" for k, v in steps.items()))
if "fiveStepChain" in results and "parseAndSerialize" in results:
    chain, floor = results["fiveStepChain"], results["parseAndSerialize"]
    print(f"RESULT transform-chain five_step_ops_per_s={chain:.0f} parse_serialize_ops_per_s={floor:.0f} "
          f"chain_vs_floor={chain / floor:.2f} chain_us_per_msg={1e6 / chain:.2f}")
PY
