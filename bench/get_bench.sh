#!/usr/bin/env bash
# Read benchmark: GET /api/v1/items/{pid} over HTTP at COUNT records (default 100000).
#
# Imports COUNT generated records into a fresh data directory, starts `disan serve` on a free
# port, and runs wrk (2 threads, 32 connections, 20 s) with bench/get_items.lua, which asks
# for a random public item per request. The same wrk run against GET /healthz (no database
# work) is the in-run reference: the ratio between the two is what the record lookup costs on
# this machine, whatever else the machine is doing.
#
# Usage: bench/get_bench.sh [--count N] [--seed S] [--build DIR] [--duration 20s]
#                           [--connections 32] [--threads 2] [--data DIR] [--keep]
#                           [--server-threads N] [--pin]
#   --data  serve this existing data directory (e.g. one kept by an earlier --keep run, under
#           data/) instead of generating and importing COUNT records; for repeated runs
#   --pin   the server on the first core only, wrk (one thread) on the second: the client
#           then does not take the server's core, as a separate client machine would not
#           (on a 2-core machine the server gets half of it; --server-threads 1 suits it)
# Target (issue): p99 <= 2 ms under 32 concurrent connections. Not part of CI.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
COUNT=100000
SEED=1
DURATION=20s
CONNECTIONS=32
THREADS=2
KEEP=0
DATA=
SERVER_THREADS=
PIN=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --count) COUNT=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --server-threads) SERVER_THREADS=$2; shift 2 ;;
    --data) DATA=$(cd "$2" && pwd); shift 2 ;;
    --keep) KEEP=1; shift ;;
    --pin) PIN=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "get_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

DISAN=$BUILD/disan
MAKE_RECORDS=$BUILD/disan-bench-make-records
LUA=$ROOT/bench/get_items.lua
for program in "$DISAN" "$MAKE_RECORDS"; do
  [[ -x $program ]] || { echo "get_bench.sh: $program is missing; build first" >&2; exit 1; }
done
for tool in wrk jq; do
  command -v $tool > /dev/null || { echo "get_bench.sh: needs $tool" >&2; exit 1; }
done
TARGET_P99_MS=2

WORK=$(mktemp -d "${TMPDIR:-/tmp}/disan-get-bench.XXXXXX")
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

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
  "$(free -m | awk '/^Mem:/ {print $2}') MiB memory"
# What the binary was built from (an older build directory can be measured beside this one).
echo "build: $("$DISAN" version 2> /dev/null || echo "(no \`disan version\`: built before it existed)") at $DISAN"
if [[ -z $DATA ]]; then
  echo "records: $COUNT, seed $SEED; wrk: $THREADS threads, $CONNECTIONS connections, $DURATION"
  DATA=$WORK/data
  "$MAKE_RECORDS" --count "$COUNT" --seed "$SEED" --output "$WORK/records.jsonl"
  "$DISAN" init "$DATA" > /dev/null
  "$DISAN" import --data "$DATA" "$WORK/records.jsonl" > /dev/null 2> "$WORK/import.err" || {
    tail -5 "$WORK/import.err" >&2; exit 1; }
else
  echo "data: $DATA (existing); wrk: $THREADS threads, $CONNECTIONS connections, $DURATION"
fi

# The items an anonymous reader may see (others answer 404, which is not what we measure).
"$DISAN" export --data "$DATA" --format jsonl |
  jq -r 'select(.class == "item" and .status == "published" and .visibility == "public") | .pid' \
  > "$WORK/pids.txt"
echo "items readable anonymously: $(wc -l < "$WORK/pids.txt")"

SERVER_CPU=()
CLIENT_CPU=()
if [[ $PIN == 1 ]]; then
  command -v taskset > /dev/null || { echo "get_bench.sh: --pin needs taskset" >&2; exit 1; }
  SERVER_CPU=(taskset -c 0)
  CLIENT_CPU=(taskset -c 1)
  THREADS=1
  echo "pinned: the server on CPU 0, wrk (1 thread) on CPU 1"
fi
"${SERVER_CPU[@]}" "$DISAN" serve --data "$DATA" --listen 127.0.0.1:0 ${SERVER_THREADS:+--threads $SERVER_THREADS} \
  > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 1 300); do
  PORT=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$WORK/server.log")
  [[ -n $PORT ]] && break
  kill -0 "$SERVER_PID" 2> /dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n $PORT ]] || { echo "get_bench.sh: the server did not report its port" >&2; exit 1; }
BASE=http://127.0.0.1:$PORT
# The server loads its search engine on a thread of its own when it starts (seconds per
# 100,000 records): the first search waits for it, so that the runs below measure a server
# in its steady state, not one still loading beside them.
curl -s -o /dev/null "$BASE/api/v1/search?q=x&facets=false" || true
sample=$(head -1 "$WORK/pids.txt")
status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/v1/items/$sample" 2>/dev/null || echo "?")
echo "server: $BASE (pid $SERVER_PID); GET /api/v1/items/$sample -> $status"
echo

run_wrk() {  # label, duration, script args...
  local label=$1 duration=$2
  shift 2
  "${CLIENT_CPU[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency -s "$LUA" "$BASE" -- "$@" \
    > "$WORK/wrk-$label.txt" 2>&1
}

# Warm-up (page cache, SQLite reader connections, worker threads), not reported.
run_wrk warmup 5s "$WORK/pids.txt"
run_wrk items "$DURATION" "$WORK/pids.txt"
run_wrk healthz "$DURATION" --path /healthz

for label in items healthz; do
  echo "== GET $([[ $label == items ]] && echo '/api/v1/items/{pid}' || echo /healthz)"
  sed -n '/--- get_items.lua summary ---/,$p' "$WORK/wrk-$label.txt" | grep -v '^---'
  echo
done
items=$(grep '^RESULT' "$WORK/wrk-items.txt")
health=$(grep '^RESULT' "$WORK/wrk-healthz.txt")
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<< "$1"; }
awk -v irps="$(field "$items" rps)" -v hrps="$(field "$health" rps)" \
    -v ip99="$(field "$items" p99)" -v hp99="$(field "$health" p99)" \
    -v ip50="$(field "$items" p50)" -v hp50="$(field "$health" p50)" \
    -v ierr="$(field "$items" errors)" -v target="$TARGET_P99_MS" '
  BEGIN {
    printf "items vs /healthz: %.2f of the throughput, p50 x%.2f, p99 x%.2f\n", irps / hrps, ip50 / hp50, ip99 / hp99
    printf "target p99 <= %s ms: %s (p99 %.3f ms, %d errors)\n", target, (ip99 <= target && ierr == 0) ? "met" : "MISSED", ip99, ierr
  }'
