-- wrk script for bench/portal_bench.sh: GET one portal page as a browser asks for it
-- (Accept: text/html), then throughput and latency percentiles in done().
--
--   wrk -t1 -c1 -d10s --latency -s bench/portal_pages.lua http://HOST:PORT -- /tim-kiem?q=dak%20mil

local path = "/"

function init(args)
  if args[1] then path = args[1] end
end

function request()
  return wrk.format("GET", path, { ["Accept"] = "text/html", ["Accept-Language"] = "vi" })
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p50=%.2f p99=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, errors))
end
