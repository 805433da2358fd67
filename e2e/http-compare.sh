#!/usr/bin/env bash
# Two builds through HTTP, compared as docs/benchmarks.md compares them: e2e/http-bench.sh on each
# jar in turn, in the order A B B A A B ..., so that the machine speeding up or slowing down during
# the run favours neither (run in the order A B A B, a drift shows as a gain of the second jar:
# docs/benchmarks-log.md, stop 46). Then, per jar and per row, every run's figures and their median.
#   usage: bash e2e/http-compare.sh JAR_A JAR_B
#   ROUNDS  pairs to run (default: 2, i.e. A B B A); each run takes about a minute and a half
#   every variable of e2e/http-bench.sh passes through to each run (SHUFFLED, VERB, JAVA, JVM_OPTIONS,
#   EVENT_LOOPS, ...); each run's output stays in target/bench/http-compare-N-{A,B}.txt
set -euo pipefail
[[ $# == 2 && -f "$1" && -f "$2" ]] || { echo "usage: bash e2e/http-compare.sh JAR_A JAR_B (two jar files)" >&2; exit 3; }
rounds="${ROUNDS:-2}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "http-compare.sh: ROUNDS must be a positive number" >&2; exit 3; }
declare -A jars=([A]="$1" [B]="$2")
mkdir -p target/bench
rm -f target/bench/http-compare-*.txt # an earlier comparison's, which this one may not overwrite
for r in $(seq 1 "$rounds"); do
  order=(A B)
  ((r % 2 == 0)) && order=(B A)
  for label in "${order[@]}"; do
    out="target/bench/http-compare-$r-$label.txt"
    echo "round $r: $label (${jars[$label]})"
    JAR="${jars[$label]}" bash "$(dirname "$0")/http-bench.sh" >"$out" 2>&1 \
      || { echo "http-compare.sh: a run of ${jars[$label]} failed; see $out" >&2; exit 1; }
  done
done
# the rows http-bench.sh prints: "C: calls/s N  p50 X ms  p99 Y ms  errors E | S us | W us"
for label in A B; do
  echo "$label: ${jars[$label]}"
  cat target/bench/http-compare-*-"$label".txt | awk '
    $2 == "calls/s" {
      c = $1; sub(":", "", c)
      n[c]++; calls[c, n[c]] = $3; p99[c, n[c]] = $8; cpu[c, n[c]] = $13
    }
    function median(a, c, k,   v, i, j, t) {
      for (i = 1; i <= k; i++) v[i] = a[c, i]
      for (i = 2; i <= k; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
      return (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
    }
    function list(a, c, k,   s, i) { s = a[c, 1]; for (i = 2; i <= k; i++) s = s ", " a[c, i]; return s }
    END {
      for (c = 1; c <= 8; c++) if (c in n) {
        k = n[c]
        printf "  %d connection(s): calls/s %s (median %s); p99 %s ms (median %s); spotpack CPU/call %s us (median %s)\n",
          c, list(calls, c, k), median(calls, c, k), list(p99, c, k), median(p99, c, k), list(cpu, c, k), median(cpu, c, k)
      }
    }'
done
