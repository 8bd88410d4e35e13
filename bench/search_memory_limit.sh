#!/usr/bin/env bash
# The server under a memory limit: starts `disan serve` on an existing data directory inside a
# memory cgroup limited to LIMIT MiB (default 1024), waits for its search engine to load, runs
# the queries of issue #3 a few times each, and reports whether the server lived, its memory
# (anonymous: the heap, which cannot be reclaimed; file-backed) and the cgroup's peak and
# failure count. The engine keeps its full posting blocks in a file (docs/search.md,
# "Memory"), whose pages the kernel reclaims inside the limit; the heap must fit.
#
# Usage: sudo bench/search_memory_limit.sh --data DIR [--limit MiB] [--build DIR]
# Needs root and a memory cgroup (v1 at /sys/fs/cgroup/memory, or v2). Not part of CI.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
LIMIT=1024
DATA=
while [[ $# -gt 0 ]]; do
  case $1 in
    --data) DATA=$(cd "$2" && pwd); shift 2 ;;
    --limit) LIMIT=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "search_memory_limit.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -n $DATA ]] || { echo "search_memory_limit.sh: --data DIR is required" >&2; exit 2; }
DISAN=$BUILD/disan
[[ -x $DISAN ]] || { echo "search_memory_limit.sh: $DISAN is missing; build first" >&2; exit 1; }

NAME=disan-limit-$$
if [[ -d /sys/fs/cgroup/memory ]]; then  # cgroup v1
  CG=/sys/fs/cgroup/memory/$NAME
  mkdir "$CG"
  echo $((LIMIT * 1048576)) > "$CG/memory.limit_in_bytes"
  peak() { echo $(($(cat "$CG/memory.max_usage_in_bytes") / 1048576)); }
  failures() { cat "$CG/memory.failcnt"; }
elif [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then  # cgroup v2
  CG=/sys/fs/cgroup/$NAME
  mkdir "$CG"
  echo $((LIMIT * 1048576)) > "$CG/memory.max"
  peak() { [[ -f $CG/memory.peak ]] && echo $(($(cat "$CG/memory.peak") / 1048576)) || echo "?"; }
  failures() { awk '/^max / {print $2}' "$CG/memory.events"; }
else
  echo "search_memory_limit.sh: no memory cgroup here" >&2
  exit 1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/disan-limit.XXXXXX")
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2> /dev/null; then
    kill -TERM "$SERVER_PID" 2> /dev/null || true
    wait "$SERVER_PID" 2> /dev/null || true
  fi
  rmdir "$CG" 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "build: $("$DISAN" version 2> /dev/null || echo "(no \`disan version\`)") at $DISAN"
echo "data: $DATA; memory limit: $LIMIT MiB ($CG)"
# The shell joins the cgroup, then becomes the server.
bash -c "echo \$\$ > $CG/cgroup.procs; exec \"$DISAN\" serve --data \"$DATA\" --listen 127.0.0.1:0" \
  > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 1 600); do
  PORT=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$WORK/server.log")
  [[ -n $PORT ]] && break
  kill -0 "$SERVER_PID" 2> /dev/null || break
  sleep 0.1
done
BASE=http://127.0.0.1:$PORT
memory() {
  kill -0 "$SERVER_PID" 2> /dev/null || { echo "server gone"; return; }
  awk '/^VmRSS/ {r = $2} /^RssAnon/ {a = $2} /^RssFile/ {f = $2} /^VmHWM/ {h = $2}
       END {printf "server RSS %.0f MiB (anonymous %.0f, file-backed %.0f), peak %.0f MiB\n",
            r / 1024, a / 1024, f / 1024, h / 1024}' /proc/$SERVER_PID/status
}
start=$(date +%s.%N)
status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/v1/search?q=x&facets=false" 2> /dev/null || echo "none")
echo "first search: $status after $(echo "$(date +%s.%N) - $start" | bc) s; $(memory)"
ok=0
total=0
for path in "/api/v1/search?q=di" "/api/v1/search?q=nam" "/api/v1/search?q=thac" \
  "/api/v1/search?q=dak%20mil" "/api/v1/search?q=%22cong%20chieng%22" \
  "/api/v1/search?q=di%20tich&kind=relic&bbox=107.2,11.8,108.0,12.6&year_from=1900&year_to=2000" \
  "/api/v1/search" "/api/v1/suggest?q=cong%20ch"; do
  times=
  for _ in 1 2 3 4 5; do
    total=$((total + 1))
    r=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$BASE$path" 2> /dev/null || echo "000 0")
    [[ ${r%% *} == 200 ]] && ok=$((ok + 1))
    times+=" $(awk -v t="${r#* }" 'BEGIN {printf "%.1f", t * 1000}')"
  done
  echo "  $path: ms$times"
done
echo "answered $ok of $total queries with 200; $(memory)"
echo "cgroup: peak $(peak) MiB of $LIMIT, limit reached $(failures) times"
if kill -0 "$SERVER_PID" 2> /dev/null && [[ $ok == "$total" ]]; then
  echo "result: the server loaded and answered within $LIMIT MiB"
else
  echo "result: FAILED within $LIMIT MiB (server log: $(tail -1 "$WORK/server.log"))"
  dmesg 2> /dev/null | grep -i "killed process" | tail -1 || true
  exit 1
fi
