-- wrk script: POST the filter request in $SPOTPACK_BENCH_BODY (default target/bench/filter.json)
-- to the extender, over keep-alive connections. Used by docs/benchmarks.md.
local path = os.getenv("SPOTPACK_BENCH_BODY") or "target/bench/filter.json"
local f = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

done = function(summary, latency, requests)
  io.write(string.format("calls/s %.0f  p50 %.2f ms  p99 %.2f ms  errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
