#!/usr/bin/env bash
# The loop measurement of docs/benchmarks.md ("Where things stand"): SchedulerThroughput run
# RUNS times on the local control plane (500 nodes, 2,000 executors per round, the scheduler alone
# first and last, spotpack's six rounds between, 12 capacity pools, 6 of them spot), then each figure's median and
# spread over the runs. Each run's full output stays in target/bench/loop-N.txt.
#   RUNS   runs (default: 3); each takes 4-5 minutes on 2 cores here
#   JAVA   the java launcher; spotpack runs on the same JVM (default: java on PATH)
#   AOT    1: first train an AOT cache for that JVM (JDK 25 or later) with AotTraining, as the image
#          does, and start spotpack with it: the shipped JVM (default: 0)
#   AOT_PROFILES 1: keep the JIT's profiles in that cache (the image leaves them out)
#   further arguments go to SchedulerThroughput after the defaults (e.g. --async-profiler=LIB)
# Needs the Kubernetes binaries (e2e/build-k8s.sh) and the test classpath:
#   ./mvnw -q package test-compile dependency:build-classpath -DskipTests -Dmdep.outputFile=target/cp.txt
set -euo pipefail
runs="${RUNS:-3}"
java="${JAVA:-java}"
[[ -f target/cp.txt ]] || { echo "loop-bench.sh: run the build command in this script's header first" >&2; exit 3; }
cp="target/test-classes:target/classes:$(cat target/cp.txt)"
mkdir -p target/bench
args=(500 2000 1000 8 6 --pool-labels)
if [[ "${AOT:-0}" == 1 ]]; then
  cache="$PWD/target/bench/loop.aot"
  rm -f "$cache"
  training=("$java" target/spotpack.jar "$cache")
  [[ "${AOT_PROFILES:-0}" == 1 ]] && training+=(--profiles)
  "$java" -cp "$cp" dev.spotpack.e2e.AotTraining "${training[@]}" >target/bench/loop-aot-training.txt 2>&1 \
    || { echo "loop-bench.sh: AOT training failed; see target/bench/loop-aot-training.txt" >&2; exit 1; }
  args+=("--jvm=-XX:AOTCache=$cache")
fi
figures=target/bench/loop-figures.txt
: >"$figures"
rm -f target/bench/loop-[0-9]*.txt # an earlier run's, which this one may not overwrite
for i in $(seq 1 "$runs"); do
  out="target/bench/loop-$i.txt"
  "$java" -cp "$cp" dev.spotpack.e2e.SchedulerThroughput "${args[@]}" "$@" >"$out" 2>&1 \
    || { echo "loop-bench.sh: run $i failed; see $out" >&2; exit 1; }
  grep '^loop-figures ' "$out" | tee -a "$figures" | sed "s/^loop-figures /run $i: /"
done
# every key's values over the runs (a key with one value per warm round pools them): median, range
tr ' ' '\n' <"$figures" | grep '=' \
  | awk -F= '{ n = split($2, v, ","); for (i = 1; i <= n; i++) print $1, v[i] }' | sort -k1,1 -k2,2g \
  | awk '
    function flush() {
      if (key == "") return
      m = (c % 2) ? x[(c + 1) / 2] : (x[c / 2] + x[c / 2 + 1]) / 2
      printf "%-27s median %s (%s-%s, %d values)\n", key, m, x[1], x[c], c
    }
    $1 != key { flush(); key = $1; c = 0 }
    { x[++c] = $2 }
    END { flush() }'
