#!/usr/bin/env bash
# Import benchmark: `disan import` of COUNT generated records (default 100000), once as JSON
# Lines and once as a province spreadsheet (CSV), each into a fresh data directory. Reports
# records/s (wall clock, including validation, PID minting, revisions and the commit), peak
# memory (maximum resident set size) and the ratio to the Arches reference of 5.4 records/s
# (200 records in 37 s), then checks with `disan export` that every record landed.
#
# Usage: bench/import_bench.sh [--count N] [--seed S] [--build DIR] [--keep]
#   --build  build directory holding disan and disan-bench-make-records (default: build)
#   --keep   keep the work directory (generated files, data directories, logs)
# Targets (issue): >= 10000 records/s, peak RSS <= 300 MB. Not part of CI.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
COUNT=100000
SEED=1
KEEP=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --count) COUNT=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "import_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

DISAN=$BUILD/disan
MAKE_RECORDS=$BUILD/disan-bench-make-records
for program in "$DISAN" "$MAKE_RECORDS"; do
  [[ -x $program ]] || { echo "import_bench.sh: $program is missing; build first" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "import_bench.sh: needs GNU time (/usr/bin/time)" >&2; exit 1; }

ARCHES_RECORDS_PER_S=5.4
TARGET_RECORDS_PER_S=10000
TARGET_RSS_MB=300

WORK=$(mktemp -d "${TMPDIR:-/tmp}/disan-import-bench.XXXXXX")
cleanup() { if [[ $KEEP == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
  "$(free -m | awk '/^Mem:/ {print $2}') MiB memory"
# What the binary was built from (an older build directory can be measured beside this one).
echo "build: $("$DISAN" version 2> /dev/null || echo "(no \`disan version\`: built before it existed)") at $DISAN"
echo "records: $COUNT, seed $SEED"
echo

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
max_rss_kb() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }

failed=0
for format in jsonl csv; do
  input=$WORK/records.$format
  start=$(now)
  "$MAKE_RECORDS" --count "$COUNT" --seed "$SEED" --format "$format" --output "$input"
  generated=$(since "$start")
  size_mb=$(du -m "$input" | cut -f1)

  data=$WORK/data-$format
  "$DISAN" init "$data" > /dev/null
  start=$(now)
  if ! /usr/bin/time -v -o "$WORK/time-$format.txt" \
      "$DISAN" import --data "$data" "$input" > "$WORK/import-$format.out" 2> "$WORK/import-$format.err"; then
    echo "$format: disan import failed:" >&2
    tail -5 "$WORK/import-$format.err" >&2
    failed=1
    continue
  fi
  seconds=$(since "$start")  # wall clock of the whole `disan import` process
  rss_kb=$(max_rss_kb "$WORK/time-$format.txt")
  landed=$("$DISAN" export --data "$data" --format jsonl | wc -l)
  db_mb=$(du -cm "$data"/disan.db* | tail -1 | cut -f1)

  awk -v fmt="$format" -v n="$COUNT" -v s="$seconds" -v kb="$rss_kb" -v arches="$ARCHES_RECORDS_PER_S" \
      -v mb="$size_mb" -v gen="$generated" -v db="$db_mb" -v landed="$landed" \
      -v target_rps="$TARGET_RECORDS_PER_S" -v target_mb="$TARGET_RSS_MB" -v summary="$(grep '^read' "$WORK/import-$format.err")" '
    BEGIN {
      rps = n / s; rss = kb / 1024
      printf "== %s (%d MiB file, generated in %.1f s)\n", fmt, mb, gen
      printf "   import:      %.2f s wall clock  (%s)\n", s, summary
      printf "   records/s:   %.0f   (target >= %d: %s)\n", rps, target_rps, (rps >= target_rps ? "met" : "MISSED")
      printf "   peak RSS:    %.1f MiB (target <= %d MB: %s)\n", rss, target_mb, (rss <= target_mb ? "met" : "MISSED")
      printf "   vs Arches:   %.0fx  (%.0f records/s / %.1f records/s)\n", rps / arches, rps, arches
      printf "   database:    %d MiB on disk\n", db
      printf "   verified:    %d records exported (%s)\n\n", landed, (landed == n ? "all landed" : "MISSING RECORDS")
    }'
  [[ $landed == "$COUNT" ]] || failed=1
done
exit $failed
