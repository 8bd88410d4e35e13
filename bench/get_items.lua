-- wrk script for bench/get_bench.sh: GET /api/v1/items/{pid} for a random pid per request,
-- then latency percentiles and throughput in done().
--
--   wrk -t2 -c32 -d20s -s bench/get_items.lua http://HOST:PORT -- PIDS_FILE
--   wrk -t2 -c32 -d20s -s bench/get_items.lua http://HOST:PORT -- --path /healthz
--
-- PIDS_FILE holds one pid per line. Each wrk thread draws from its own fixed seed, so runs
-- request the same sequence of records.

local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local pids = {}
local fixed_path = nil

function init(args)
  if args[1] == "--path" then
    fixed_path = args[2]
  else
    local file = assert(io.open(args[1] or "pids.txt", "r"), "cannot open the pids file")
    for line in file:lines() do
      if #line > 0 then pids[#pids + 1] = line end
    end
    file:close()
    assert(#pids > 0, "the pids file is empty")
  end
  math.randomseed(20251125 + id * 7919)
end

function request()
  local path = fixed_path or ("/api/v1/items/" .. pids[math.random(#pids)])
  return wrk.format("GET", path, { ["Accept"] = "application/json" })
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local ms = function(p) return latency:percentile(p) / 1000 end
  io.write("--- get_items.lua summary ---\n")
  io.write(string.format("requests:    %d in %.2f s\n", summary.requests, seconds))
  io.write(string.format("requests/s:  %.0f\n", summary.requests / seconds))
  io.write(string.format("latency ms:  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f\n",
    ms(50), ms(90), ms(99), ms(99.9), latency.max / 1000, latency.mean / 1000))
  io.write(string.format("errors:      connect %d, read %d, write %d, timeout %d, status>=400 %d\n",
    e.connect, e.read, e.write, e.timeout, e.status))
  io.write(string.format("RESULT rps=%.0f p50=%.3f p90=%.3f p99=%.3f p999=%.3f errors=%d\n",
    summary.requests / seconds, ms(50), ms(90), ms(99), ms(99.9),
    e.connect + e.read + e.write + e.timeout + e.status))
end
