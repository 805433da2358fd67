-- wrk script: POST the filter request in $SPOTPACK_BENCH_BODY (default target/bench/filter.json)
-- to the extender, over keep-alive connections. Used by docs/benchmarks.md.
-- With SPOTPACK_BENCH_SHUFFLED=N (1-16), cycle instead through the N bodies filter-shuffled-K.json
-- beside it (SnapshotGenerator): the same nodes named in random orders, as no two of
-- kube-scheduler's calls name them in the same order.
local path = os.getenv("SPOTPACK_BENCH_BODY") or "target/bench/filter.json"
local shuffled = tonumber(os.getenv("SPOTPACK_BENCH_SHUFFLED") or "0")

local function read(p)
  local f = assert(io.open(p, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

if shuffled > 0 then
  local dir = path:match("^(.*)/[^/]*$") or "."
  local requests, next = {}, 0
  init = function(args)
    for k = 1, shuffled do
      requests[k] = wrk.format(nil, nil, nil, read(string.format("%s/filter-shuffled-%d.json", dir, k)))
    end
  end
  request = function()
    next = next % shuffled + 1
    return requests[next]
  end
else
  wrk.body = read(path)
end

done = function(summary, latency, requests)
  io.write(string.format("calls/s %.0f  p50 %.2f ms  p99 %.2f ms  errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
