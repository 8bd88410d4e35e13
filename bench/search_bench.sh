#!/usr/bin/env bash
# Search benchmark over HTTP: the queries of issue #3 through GET /api/v1/search and
# GET /api/v1/suggest, one client at a time (wrk -t1 -c1), so the figures are the latency of
# one search, not queueing. In-process figures and the FTS5 reference come from
# build/disan-bench-search (BENCHMARKS.md).
#
# Usage: bench/search_bench.sh [--count N] [--seed S] [--build DIR] [--duration 10s]
#                              [--data DIR] [--keep]
#   --data  serve this existing data directory instead of generating and importing COUNT
#           records
# Not part of CI.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
COUNT=100000
SEED=1
DURATION=10s
KEEP=0
DATA=
while [[ $# -gt 0 ]]; do
  case $1 in
    --count) COUNT=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --data) DATA=$(cd "$2" && pwd); shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "search_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

DISAN=$BUILD/disan
MAKE_RECORDS=$BUILD/disan-bench-make-records
LUA=$ROOT/bench/get_items.lua
for program in "$DISAN" "$MAKE_RECORDS"; do
  [[ -x $program ]] || { echo "search_bench.sh: $program is missing; build first" >&2; exit 1; }
done
command -v wrk > /dev/null || { echo "search_bench.sh: needs wrk" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/disan-search-bench.XXXXXX")
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2> /dev/null; then
    kill -TERM "$SERVER_PID" 2> /dev/null || true
    wait "$SERVER_PID" 2> /dev/null || true
  fi
  if [[ $KEEP == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "machine: $(nproc) cores, $(free -m | awk '/^Mem:/ {print $2}') MiB memory, load $(cut -d' ' -f1-3 /proc/loadavg)"
# What the binary was built from (an older build directory can be measured beside this one).
echo "build: $("$DISAN" version 2> /dev/null || echo "(no \`disan version\`: built before it existed)") at $DISAN"
if [[ -z $DATA ]]; then
  DATA=$WORK/data
  "$MAKE_RECORDS" --count "$COUNT" --seed "$SEED" --output "$WORK/records.jsonl"
  "$DISAN" init "$DATA" > /dev/null
  start=$(date +%s.%N)
  "$DISAN" import --data "$DATA" "$WORK/records.jsonl" > /dev/null 2> "$WORK/import.err" || {
    tail -5 "$WORK/import.err" >&2; exit 1; }
  echo "imported $COUNT records in $(echo "$(date +%s.%N) - $start" | bc) s"
fi

"$DISAN" serve --data "$DATA" --listen 127.0.0.1:0 > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 1 600); do
  PORT=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$WORK/server.log")
  [[ -n $PORT ]] && break
  kill -0 "$SERVER_PID" 2> /dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n $PORT ]] || { echo "search_bench.sh: the server did not report its port" >&2; exit 1; }
BASE=http://127.0.0.1:$PORT
# The server's memory: resident in all, of it anonymous (heap) and file-backed (the engine's
# mapped posting lists, which the kernel may drop and read again), and the peak.
memory() {
  awk '/^VmRSS/ {rss = $2} /^RssAnon/ {anon = $2} /^RssFile/ {file = $2} /^VmHWM/ {hwm = $2}
       END {printf "server RSS %.0f MiB (anonymous %.0f, file-backed %.0f), peak %.0f MiB\n",
            rss / 1024, anon / 1024, file / 1024, hwm / 1024}' /proc/$SERVER_PID/status
}
# The first search builds the engine from the index rows: time it, then report memory.
start=$(date +%s.%N)
curl -s -o /dev/null "$BASE/api/v1/search?q=x&facets=false"
echo "engine loaded by the first search in $(echo "$(date +%s.%N) - $start" | bc) s"
memory
echo

QUERIES=(
  "one word, broad, facets|/api/v1/search?q=di"
  "one word, common, facets|/api/v1/search?q=nam"
  "one word, selective, facets|/api/v1/search?q=thac"
  "two syllables, facets|/api/v1/search?q=dak%20mil"
  "quoted phrase, facets|/api/v1/search?q=%22cong%20chieng%22"
  "bbox + years + kind, facets|/api/v1/search?q=di%20tich&kind=relic&bbox=107.2,11.8,108.0,12.6&year_from=1900&year_to=2000"
  "no words, facets|/api/v1/search"
  "deep page (sort by name)|/api/v1/search?q=di&sort=name&facets=false"
  "suggest 'cong ch'|/api/v1/suggest?q=cong%20ch"
  "suggest 'thac d'|/api/v1/suggest?q=thac%20d"
  "GET /healthz (reference)|/healthz"
)
printf "| query | requests/s | p50 ms | p99 ms | errors |\n| --- | --- | --- | --- | --- |\n"
for entry in "${QUERIES[@]}"; do
  label=${entry%%|*}
  path=${entry#*|}
  wrk -t1 -c1 -d"$DURATION" --latency -s "$LUA" "$BASE" -- --path "$path" > "$WORK/wrk.txt" 2>&1
  result=$(grep '^RESULT' "$WORK/wrk.txt")
  field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<< "$result"; }
  printf "| %s \`%s\` | %s | %s | %s | %s |\n" "$label" "$path" "$(field rps)" "$(field p50)" "$(field p99)" "$(field errors)"
done
echo
echo "after the queries: $(memory)"
