#!/usr/bin/env bash
# Portal benchmark over HTTP (issue #5): server time of the home, search and item pages at
# COUNT records, one client at a time (wrk -t1 -c1), against GET /api/v1/items/{pid} and
# /healthz measured in the same run as references; then the transfer size of the search page
# and the assets it loads (before images).
#
# Usage: bench/portal_bench.sh [--count N] [--seed S] [--build DIR] [--duration 10s] [--data DIR]
# Not part of CI. Records come from build/disan-bench-make-records, as in bench/search_bench.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
COUNT=100000
SEED=1
DURATION=10s
DATA=
while [[ $# -gt 0 ]]; do
  case $1 in
    --count) COUNT=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --data) DATA=$(cd "$2" && pwd); shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "portal_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

DISAN=$BUILD/disan
MAKE_RECORDS=$BUILD/disan-bench-make-records
LUA=$ROOT/bench/portal_pages.lua
for program in "$DISAN" "$MAKE_RECORDS"; do
  [[ -x $program ]] || { echo "portal_bench.sh: $program is missing; build first" >&2; exit 1; }
done
command -v wrk > /dev/null || { echo "portal_bench.sh: needs wrk" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/disan-portal-bench.XXXXXX")
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2> /dev/null; then
    kill -TERM "$SERVER_PID" 2> /dev/null || true
    wait "$SERVER_PID" 2> /dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "machine: $(nproc) cores, $(free -m | awk '/^Mem:/ {print $2}') MiB memory, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -z $DATA ]]; then
  DATA=$WORK/data
  "$MAKE_RECORDS" --count "$COUNT" --seed "$SEED" --output "$WORK/records.jsonl"
  "$DISAN" init "$DATA" > /dev/null
  "$DISAN" import --data "$DATA" "$WORK/records.jsonl" > /dev/null 2> "$WORK/import.err" || {
    tail -5 "$WORK/import.err" >&2; exit 1; }
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
[[ -n $PORT ]] || { echo "portal_bench.sh: the server did not report its port" >&2; exit 1; }
BASE=http://127.0.0.1:$PORT
curl -s -o /dev/null "$BASE/api/v1/search?q=x&facets=false"  # loads the search engine
PID=$(curl -s "$BASE/api/v1/search?q=dak%20mil&limit=1&facets=false" | sed -n 's/.*"pid":"\([^"]*\)".*/\1/p' | head -1)
ITEM=$(curl -s -o /dev/null -w '%{redirect_url}' -H 'Accept: text/html' "$BASE/di-san/$PID" | sed "s|^$BASE||")
[[ -n $ITEM ]] || { echo "portal_bench.sh: no item page for $PID" >&2; exit 1; }

PAGES=(
  "home|/"
  "search page 'dak mil'|/tim-kiem?q=dak%20mil"
  "search page, no words|/tim-kiem"
  "search page, kind filter|/tim-kiem?q=di%20tich&kind=relic"
  "item page|$ITEM"
  "reference: GET /api/v1/items/{pid} (JSON)|/api/v1/items/$PID"
  "reference: GET /api/v1/search?q=dak mil (JSON)|/api/v1/search?q=dak%20mil"
  "reference: GET /healthz|/healthz"
)
printf "| page | requests/s | p50 ms | p99 ms | errors |\n| --- | --- | --- | --- | --- |\n"
for entry in "${PAGES[@]}"; do
  label=${entry%%|*}
  path=${entry#*|}
  wrk -t1 -c1 -d"$DURATION" --latency -s "$LUA" "$BASE" -- "$path" > "$WORK/wrk.txt" 2>&1
  result=$(grep '^RESULT' "$WORK/wrk.txt")
  field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<< "$result"; }
  printf "| %s \`%s\` | %s | %s | %s | %s |\n" "$label" "$path" "$(field rps)" "$(field p50)" "$(field p99)" "$(field errors)"
done

echo
page=$(curl -s -H 'Accept: text/html' "$BASE/tim-kiem?q=dak%20mil" | tee "$WORK/search.html" | wc -c)
total=$page
echo "search page transfer (uncompressed, before images): HTML $page bytes"
for asset in $(grep -o '/static/[^"?]*' "$WORK/search.html" | sort -u); do
  size=$(curl -s "$BASE$asset" | wc -c)
  echo "  $asset $size bytes"
  total=$((total + size))
done
echo "  total $total bytes"
