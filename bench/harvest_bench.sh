#!/usr/bin/env bash
# Harvesting benchmark (issue #7): COUNT generated records (default 100000) imported into a
# data directory A served by `disan serve`; then
#   1. a full ListRecords harvest of A in oai_dc over loopback, by a minimal client following
#      the resumption tokens (records/s; the server's resident memory sampled every page), and
#      as the reference in the same run, the same records paged through the JSON list API
#      (GET /api/v1/items?limit=100, which reads the same store the same way);
#   1b. ListSets, and the first page of one commune set (completeListSize counted), beside the
#      first page of the whole list (milliseconds, medians of 5);
#   1c. sets few records are in, spread out in change order (level:special_national, about 1 %
#      of the generated records, and level:national_treasure, about 0.1 %): the first page and
#      a middle one (of two pages, the second; medians of 5), and GET /api/v1/changes (the
#      feed's totalItems counted, median of 3) beside its first page;
#   2. `disan harvest` of A (disan format, lossless) into an empty data directory B
#      (records/s, peak RSS), then a second, incremental run (nothing changed).
#
# Usage: bench/harvest_bench.sh [--count N] [--seed S] [--build DIR] [--data DIR] [--keep] [--sets-only]
#   --data       serve this existing data directory instead of generating and importing COUNT
#   --sets-only  only 1b and 1c (after the server's search engine is built): for comparing
#                builds on one data directory
# Targets (issue): >= 5000 records/s for ListRecords with flat server memory;
# >= 2000 records/s for `disan harvest`. Not part of CI.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
COUNT=100000
SEED=1
KEEP=0
DATA=
SETS_ONLY=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --count) COUNT=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --data) DATA=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --sets-only) SETS_ONLY=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "harvest_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
DISAN=$BUILD/disan
MAKE_RECORDS=$BUILD/disan-bench-make-records
for program in "$DISAN" "$MAKE_RECORDS" /usr/bin/time python3; do
  command -v "$program" > /dev/null || { echo "harvest_bench.sh: $program is missing" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/disan-harvest-bench.XXXXXX")
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2> /dev/null && wait "$SERVER_PID" 2> /dev/null || true
  if [[ $KEEP == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
  "$(free -m | awk '/^Mem:/ {print $2}') MiB memory, load average $(cut -d' ' -f1-3 /proc/loadavg)"
# What the binary was built from (an older build directory can be measured beside this one).
echo "build: $("$DISAN" version 2> /dev/null || echo "(no \`disan version\`: built before it existed)") at $DISAN"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

if [[ -z $DATA ]]; then
  DATA=$WORK/a
  "$MAKE_RECORDS" --count "$COUNT" --seed "$SEED" --output "$WORK/records.jsonl"
  "$DISAN" init "$DATA" > /dev/null
  start=$(now)
  "$DISAN" import --data "$DATA" "$WORK/records.jsonl" > /dev/null 2> "$WORK/import.err" || {
    tail -5 "$WORK/import.err" >&2; exit 1; }
  echo "imported $COUNT records into A in $(since "$start") s"
fi

"$DISAN" serve --data "$DATA" --listen 127.0.0.1:0 > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 100); do
  PORT=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$WORK/server.log")
  [[ -n $PORT ]] && break
  sleep 0.1
done
[[ -n $PORT ]] || { cat "$WORK/server.log" >&2; exit 1; }
echo "server A: http://127.0.0.1:$PORT (pid $SERVER_PID)"
if [[ $SETS_ONLY == 1 ]]; then
  # The search engine is built at start, on the same cores: let it finish first.
  for _ in $(seq 1200); do
    grep -q "search index ready" "$WORK/server.log" && break
    sleep 0.5
  done
fi

# The client: one keep-alive connection, follows tokens, counts records, samples the server's
# VmRSS after every page. Prints: records pages seconds rss_first_kb rss_max_kb rss_last_kb.
cat > "$WORK/client.py" << 'PY'
import http.client, json, re, sys, time
port, pid, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
conn = http.client.HTTPConnection("127.0.0.1", port)
token_re = re.compile(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>")
records = pages = 0
samples = []
start = time.monotonic()
if mode == "oai":
    path = "/oai?verb=ListRecords&metadataPrefix=oai_dc"
    while path:
        conn.request("GET", path)
        body = conn.getresponse().read()
        records += body.count(b"<record>")
        pages += 1
        samples.append(rss())
        m = token_re.search(body)
        path = "/oai?verb=ListRecords&resumptionToken=" + m.group(1).decode() if m else None
else:
    path = "/api/v1/items?limit=100"
    while path:
        conn.request("GET", path)
        body = conn.getresponse().read()
        records += len(json.loads(body)["items"])
        pages += 1
        samples.append(rss())
        m = re.search(rb'"next_cursor":"([^"]+)"', body)
        path = "/api/v1/items?limit=100&cursor=" + m.group(1).decode() if m else None
seconds = time.monotonic() - start
print(records, pages, f"{seconds:.3f}", samples[0], max(samples), samples[-1])
PY

if [[ $SETS_ONLY == 0 ]]; then
python3 "$WORK/client.py" "$PORT" "$SERVER_PID" oai > /dev/null  # warm-up (page cache), not reported
read -r oai_records oai_pages oai_s rss_first rss_max rss_last < <(python3 "$WORK/client.py" "$PORT" "$SERVER_PID" oai)
read -r api_records api_pages api_s _ _ _ < <(python3 "$WORK/client.py" "$PORT" "$SERVER_PID" api)
awk -v n="$oai_records" -v p="$oai_pages" -v s="$oai_s" -v a="$rss_first" -v m="$rss_max" -v z="$rss_last" \
    -v an="$api_records" -v as="$api_s" 'BEGIN {
  rps = n / s; ref = an / as
  printf "== ListRecords oai_dc, full harvest: %d records in %d pages, %.2f s\n", n, p, s
  printf "   records/s:   %.0f   (target >= 5000: %s)\n", rps, (rps >= 5000 ? "met" : "MISSED")
  printf "   server RSS:  first page %.1f MiB, max %.1f MiB, last page %.1f MiB\n", a / 1024, m / 1024, z / 1024
  printf "   reference:   GET /api/v1/items?limit=100, %d records in %.2f s = %.0f records/s; ratio %.2f\n\n", an, as, ref, rps / ref
}'
fi

# ListSets and the first page of one commune set (its completeListSize counted), beside the
# first page of the whole list as the in-run reference: medians of 5, one connection.
cat > "$WORK/sets.py" << 'PY'
import http.client, re, sys, time
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
def timed(path, n=5):
    times = []
    for _ in range(n):
        start = time.monotonic()
        conn.request("GET", path)
        body = conn.getresponse().read()
        times.append(time.monotonic() - start)
    return sorted(times)[n // 2] * 1000, body
sets_ms, body = timed("/oai?verb=ListSets")
communes = re.findall(rb"<setSpec>(commune:[0-9]+)</setSpec>", body)
spec = communes[0].decode() if communes else "commune"
set_ms, page = timed("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=" + spec)
size = re.search(rb'completeListSize="([0-9]+)"', page)
whole_ms, _ = timed("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc")
print(f"{sets_ms:.1f} {len(communes)} {spec} {set_ms:.1f} {size.group(1).decode() if size else '-'} {whole_ms:.1f}")
PY
read -r sets_ms communes spec set_ms set_size whole_ms < <(python3 "$WORK/sets.py" "$PORT")
echo "== ListSets: $sets_ms ms ($communes commune sets)"
echo "   first page of set $spec (completeListSize $set_size): $set_ms ms"
echo "   reference: first page of the whole list: $whole_ms ms"
echo

# Sets few records are in, far apart in change order: the first page, and a middle one (the
# pages before it followed untimed; of two pages, the second), medians of 5; then the change feed's collection, whose
# totalItems is counted, beside its first page. One connection.
cat > "$WORK/sparse.py" << 'PY'
import http.client, json, re, sys, time
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
def get(path):
    conn.request("GET", path)
    return conn.getresponse().read()
def timed(path, n=5):
    times = []
    for _ in range(n):
        start = time.monotonic()
        body = get(path)
        times.append(time.monotonic() - start)
    return sorted(times)[n // 2] * 1000, body
token_re = re.compile(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>")
for spec in ("level:special_national", "level:national_treasure"):
    first_ms, page = timed("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=" + spec)
    size = re.search(rb'completeListSize="([0-9]+)"', page)
    headers = page.count(b"<header")
    pages = 1
    tokens = []
    while (m := token_re.search(page)):
        tokens.append(m.group(1).decode())
        page = get("/oai?verb=ListIdentifiers&resumptionToken=" + tokens[-1])
        pages += 1
    size = size.group(1).decode() if size else str(headers)
    print(f"== set {spec}: {size} records in {pages} pages")
    print(f"   first page (completeListSize counted): {first_ms:.1f} ms")
    if tokens:
        middle = tokens[len(tokens) // 2]
        middle_ms, _ = timed("/oai?verb=ListIdentifiers&resumptionToken=" + middle)
        print(f"   a later page ({len(tokens) // 2 + 2} of {pages}): {middle_ms:.1f} ms")
changes_ms, body = timed("/api/v1/changes", 3)
total = json.loads(body).get("totalItems")
page_ms, _ = timed("/api/v1/changes?cursor=start")
print(f"== GET /api/v1/changes (totalItems {total}): {changes_ms:.1f} ms")
print(f"   reference: its first page, GET /api/v1/changes?cursor=start: {page_ms:.1f} ms")
PY
python3 "$WORK/sparse.py" "$PORT"
echo
[[ $SETS_ONLY == 1 ]] && exit 0

B=$WORK/b
"$DISAN" init "$B" > /dev/null
start=$(now)
/usr/bin/time -v -o "$WORK/time-harvest.txt" "$DISAN" harvest --data "$B" "http://127.0.0.1:$PORT/oai" \
  > "$WORK/harvest.out" 2> "$WORK/harvest.err" || { tail -5 "$WORK/harvest.err" >&2; exit 1; }
harvest_s=$(since "$start")
harvest_rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time-harvest.txt")
start=$(now)
"$DISAN" harvest --data "$B" "http://127.0.0.1:$PORT/oai" > "$WORK/again.out" 2> "$WORK/again.err"
again_s=$(since "$start")
echo "== disan harvest (disan format) into an empty instance"
echo "   $(cat "$WORK/harvest.out")"
awk -v n="$oai_records" -v s="$harvest_s" -v kb="$harvest_rss" -v again="$again_s" 'BEGIN {
  rps = n / s
  printf "   %.2f s: %.0f records/s (target >= 2000: %s); peak RSS %.1f MiB\n", s, rps, (rps >= 2000 ? "met" : "MISSED"), kb / 1024
  printf "   incremental run right after: %.2f s\n", again
}'
echo "   $(cat "$WORK/again.out")"
