#!/usr/bin/env bash
# Accounts benchmark (issue #6): what signing in costs (Argon2id, 19 MiB, 2 passes) beside a
# request that only looks a session up and beside GET /healthz, one client, sequential; and
# what the audit log adds to `disan import` (one chained entry per record), against a
# reference build without it (--reference DIR, e.g. the main checkout's build), same run.
#
# Usage: bench/accounts_bench.sh [--count N] [--logins N] [--build DIR] [--reference DIR]
# Not part of CI.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
REFERENCE=""
COUNT=20000
LOGINS=20
while [[ $# -gt 0 ]]; do
  case $1 in
    --count) COUNT=$2; shift 2 ;;
    --logins) LOGINS=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --reference) REFERENCE=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "accounts_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
DISAN=$BUILD/disan
WORK=$(mktemp -d "${TMPDIR:-/tmp}/disan-accounts-bench.XXXXXX")
SERVER=""
cleanup() {
  if [[ -n $SERVER ]]; then kill "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# --- Signing in --------------------------------------------------------------------------
"$DISAN" init "$WORK/data" > /dev/null
printf 'mật khẩu đủ dài 2026\n' | "$DISAN" user add --data "$WORK/data" bench --role curator > /dev/null
"$DISAN" serve --data "$WORK/data" --listen 127.0.0.1:0 > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do grep -q listening "$WORK/serve.log" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$WORK/serve.log")
body='{"login": "bench", "password": "mật khẩu đủ dài 2026"}'
token=$(curl -sf -H 'Content-Type: application/json' -d "$body" "$URL/api/v1/auth/login" |
        sed 's/.*"token":"\([^"]*\)".*/\1/')
start=$(now)
for _ in $(seq "$LOGINS"); do
  curl -sf -o /dev/null -H 'Content-Type: application/json' -d "$body" "$URL/api/v1/auth/login"
done
login_s=$(since "$start")
start=$(now)
for _ in $(seq "$LOGINS"); do
  curl -sf -o /dev/null -H "Authorization: Bearer $token" "$URL/api/v1/auth/session"
done
session_s=$(since "$start")
start=$(now)
for _ in $(seq "$LOGINS"); do curl -sf -o /dev/null "$URL/healthz"; done
health_s=$(since "$start")
kill "$SERVER"; SERVER=""
awk -v n="$LOGINS" -v l="$login_s" -v s="$session_s" -v h="$health_s" 'BEGIN {
  printf "sign-in (POST /api/v1/auth/login):   %6.1f ms each (%d sequential)\n", 1000 * l / n, n
  printf "session lookup (GET /auth/session): %6.1f ms each\n", 1000 * s / n
  printf "reference GET /healthz:             %6.1f ms each\n", 1000 * h / n
  printf "sign-in / healthz: %.0fx; sign-in / session lookup: %.0fx\n", l / h, l / s }'

# --- Import with the audit log -----------------------------------------------------------
[[ -n $REFERENCE ]] || { echo "(no --reference: import comparison skipped)"; exit 0; }
MAKE_RECORDS=$REFERENCE/disan-bench-make-records
"$MAKE_RECORDS" --count "$COUNT" --seed 1 --format jsonl --output "$WORK/records.jsonl"
for round in 1 2; do
  for which in reference accounts; do
    program=$DISAN
    [[ $which == reference ]] && program=$REFERENCE/disan
    rm -rf "$WORK/import"
    "$program" init "$WORK/import" > /dev/null
    start=$(now)
    "$program" import --data "$WORK/import" "$WORK/records.jsonl" > /dev/null 2>&1
    seconds=$(since "$start")
    awk -v w="$which" -v r="$round" -v s="$seconds" -v n="$COUNT" \
      'BEGIN { printf "import round %d, %-9s: %7.2f s, %6.0f records/s\n", r, w, s, n / s }'
  done
  "$DISAN" audit verify --data "$WORK/import" | tail -1
done
