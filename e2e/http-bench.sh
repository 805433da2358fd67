#!/usr/bin/env bash
# The HTTP measurement of docs/benchmarks.md ("Through HTTP"): the built jar serving a generated
# snapshot, wrk posting filter (or prioritize) calls that name every node, with 1, 2 and 8
# connections. Prints per row wrk's calls/s and latency, and the CPU per call of spotpack's process
# and of wrk (from /proc and bash's time), so that a run on shared cores says where the cycles went.
#   JAR        the jar to measure (default: target/spotpack.jar)
#   JAVA       the java launcher (default: java on PATH)
#   NODES PODS the generated cluster (default: 5000 150000; generated once into target/bench)
#   SECONDS_PER_ROW (default: 15), after WARM_UP_SECONDS (default: 40) of warm-up with 8
#   connections: the JIT compiles for about 40 s of load; after 10 s the first row measured it
#   VERB       filter (default) or prioritize, with the same body
#   SHUFFLED   N (1-16): cycle through N bodies that name the nodes in random orders instead of
#              sending one body over and over (kube-scheduler never repeats an order); default 0
#   EVENT_LOOPS spotpack's server.eventLoops (default: spotpack's default, 1); with 8 connections
#              more loops use both cores, which kube-scheduler's one-filter-at-a-time calls cannot
#   JVM_OPTIONS spotpack's JVM options (default: -Xmx3g), e.g. "-XX:+UseSerialGC -Xmx768m", the
#              collector and heap the JVM picks under the shipped 1,536 MiB memory limit
# Needs wrk (Debian's package) and the test classpath:
#   ./mvnw -q package test-compile dependency:build-classpath -DskipTests -Dmdep.outputFile=target/cp.txt
set -euo pipefail
jar="${JAR:-target/spotpack.jar}"
java="${JAVA:-java}"
nodes="${NODES:-5000}"
pods="${PODS:-150000}"
seconds="${SECONDS_PER_ROW:-15}"
command -v wrk >/dev/null || { echo "http-bench.sh: wrk is not installed (apt-get install wrk)" >&2; exit 3; }
[[ -f target/cp.txt ]] || { echo "http-bench.sh: run the build command in this script's header first" >&2; exit 3; }
export SPOTPACK_BENCH_SHUFFLED="${SHUFFLED:-0}"
[[ "$SPOTPACK_BENCH_SHUFFLED" =~ ^([0-9]|1[0-6])$ ]] || { echo "http-bench.sh: SHUFFLED must be 0-16" >&2; exit 3; }
bench="target/bench/$nodes-$pods"
if [[ ! -f "$bench/filter-shuffled-16.json" ]]; then
  java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" \
    dev.spotpack.bench.SnapshotGenerator "$nodes" "$pods" "$bench" >/dev/null
fi
export SPOTPACK_BENCH_BODY="$bench/filter.json"
script=src/test/resources/bench-filter.lua
url="http://127.0.0.1:8888/scheduler/${VERB:-filter}"
config=()
if [[ -n "${EVENT_LOOPS:-}" ]]; then
  printf 'server:\n  eventLoops: %s\n' "$EVENT_LOOPS" >target/bench/http-bench-config.yaml
  config=(--config target/bench/http-bench-config.yaml)
fi
read -ra jvm_options <<<"${JVM_OPTIONS:--Xmx3g}"
"$java" "${jvm_options[@]}" -jar "$jar" serve --snapshot "$bench/cluster.json" --host 127.0.0.1 "${config[@]}" \
  >target/bench/http-bench-server.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf localhost:8889/readyz >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { echo "http-bench.sh: spotpack exited; see target/bench/http-bench-server.log" >&2; exit 1; }
  sleep 1
done
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
TIMEFORMAT="wrk-cpu %U %S"
wrk -t1 -c8 -d"${WARM_UP_SECONDS:-40}s" -s "$script" "$url" >/dev/null
echo "connections calls/s p50 p99 errors | spotpack CPU/call | wrk CPU/call"
for c in 1 2 8; do
  before=$(ticks)
  out=$({ time wrk -t1 -c"$c" -d"${seconds}s" -s "$script" "$url"; } 2>&1)
  after=$(ticks)
  calls=$(awk '/requests in/ {print $1}' <<<"$out")
  line=$(grep 'calls/s' <<<"$out")
  wrk_cpu=$(awk '/wrk-cpu/ {print $2 + $3}' <<<"$out")
  awk -v c="$c" -v line="$line" -v t="$((after - before))" -v hz="$hz" -v n="$calls" -v w="$wrk_cpu" \
    'BEGIN { printf "%d: %s | %.0f us | %.0f us\n", c, line, t / hz * 1e6 / n, w * 1e6 / n }'
done
