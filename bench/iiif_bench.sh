#!/usr/bin/env bash
# IIIF Image API benchmark (issue #4): Disan and Debian's iipimage-server side by side on the
# same 20,000 x 15,000 image, with the scenarios of ../shared/bench/iiif (see its README).
#
# usage: bench/iiif_bench.sh [BUILD_DIR] [WORKDIR]
#   env KIT (the shared kit folder), DURATION (wrk seconds, default 10), CONNS (default 8),
#       FLAT=60 to run two decoding scenarios that long more, sampling Disan's memory,
#       SKIP_IIP=1 to measure Disan alone, BASE=OTHER_BUILD_DIR to measure that build's
#       `disan serve` too, over the same data and in the same run (before/after figures).
# Needs: wrk, libvips-tools, /usr/bin/time; for the peer: iipimage-server spawn-fcgi nginx.
# Ingest: `disan media add` (OCFL) then `disan derive` (pyramid + thumbnail) against the vips
# command line doing the same two operations (tiffsave --pyramid + thumbnail).
set -euo pipefail
BUILD=$(realpath "${1:-build}")
WORK=${2:-/tmp/disan-iiif-bench}
KIT=$(realpath "${KIT:-$(dirname "$0")/../../shared/bench/iiif}")
DURATION=${DURATION:-10}
SKIP_IIP=${SKIP_IIP:-0}
CONNS=${CONNS:-8}
DISAN="$BUILD/disan"
mkdir -p "$WORK"
WORK=$(realpath "$WORK")
say() { echo "== $*" >&2; }

# ---- the image and the vips baseline ----------------------------------------
if [ ! -f "$WORK/img/pyr.tif" ]; then
  say "making the 20000x15000 master and the vips baseline (make-image.sh)"
  SKIP_IM=1 bash "$KIT/make-image.sh" "$WORK/img" >&2
fi
W=$(vipsheader -f width "$WORK/img/master.jpg"); H=$(vipsheader -f height "$WORK/img/master.jpg")

T() { local name=$1; shift; /usr/bin/time -v -o "$WORK/time-$name.txt" "$@";
      awk -F': ' '/Elapsed \(wall/{w=$2} /Maximum resident/{r=$2} END{printf "%s wall=%s peakRSS=%.0fMB\n", "'"$name"'", w, r/1024}' "$WORK/time-$name.txt" | tee -a "$WORK/summary.txt" >&2; }

say "vips command line: pyramid (Q85) + thumbnail from it"
rm -f "$WORK/vips-pyr.tif" "$WORK/vips-thumb.jpg"
T vips-tiffsave vips tiffsave "$WORK/img/master.jpg" "$WORK/vips-pyr.tif" --tile --pyramid \
  --compression jpeg --Q 85 --tile-width 256 --tile-height 256
T vips-thumbnail vips thumbnail "$WORK/vips-pyr.tif" "$WORK/vips-thumb.jpg" 400

# ---- Disan: ingest ------------------------------------------------------------
DATA="$WORK/data"
rm -rf "$DATA"
"$DISAN" init "$DATA" > "$WORK/init.txt"
TOKEN=$(grep -o 'disan_[a-z0-9]*' "$WORK/init.txt" | head -1)
cat > "$WORK/item.jsonl" <<'JSON'
{"kind":"relic","names":[{"lang":"vi","value":"Ảnh thử nghiệm IIIF"}],"relic_type":"historical"}
JSON
"$DISAN" import --data "$DATA" "$WORK/item.jsonl" >&2 || true
PID=$("$DISAN" export --data "$DATA" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["pid"])')
say "disan media add (into OCFL)"
T disan-media-add "$DISAN" media add --data "$DATA" "$PID" "$WORK/img/master.jpg" > "$WORK/added.txt"
ID=$(cut -f1 "$WORK/added.txt")
say "disan derive (pyramid + thumbnail) of $ID"
T disan-derive "$DISAN" derive --data "$DATA" "$ID"

# ---- servers ------------------------------------------------------------------
PORT=18080
"$DISAN" serve --data "$DATA" --listen 127.0.0.1:$PORT --iiif-cache-mb 0 --threads 32 \
  > "$WORK/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true; [ -n "${NGINX_PID:-}" ] && kill $NGINX_PID 2>/dev/null; [ -n "${FCGI_PID:-}" ] && kill $FCGI_PID 2>/dev/null; true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

BASE_PORT=18082
if [ -n "${BASE:-}" ]; then
  say "the reference build $BASE serving the same data"
  "$(realpath "$BASE")/disan" serve --data "$DATA" --listen 127.0.0.1:$BASE_PORT --iiif-cache-mb 0 \
    --threads 32 > "$WORK/serve-base.log" 2>&1 &
  BASE_PID=$!
  trap 'kill $SERVE 2>/dev/null || true; kill $BASE_PID 2>/dev/null || true; [ -n "${NGINX_PID:-}" ] && kill $NGINX_PID 2>/dev/null; [ -n "${FCGI_PID:-}" ] && kill $FCGI_PID 2>/dev/null; true' EXIT
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$BASE_PORT/healthz" >/dev/null && break; sleep 0.1; done
fi

IIP_PORT=18081
if [ "${SKIP_IIP:-0}" != 1 ] && [ -x /usr/lib/iipimage-server/iipsrv.fcgi ]; then
  say "iipimage-server (FastCGI) behind nginx"
  mkdir -p "$WORK/nginx"
  cp "$WORK/img/pyr.tif" "$WORK/nginx/pyr.tif"
  env FILESYSTEM_PREFIX="$WORK/nginx/" URI_MAP="iiif=>IIIF" MAX_CVT=20000 VERBOSITY=0 LOGFILE=/dev/null \
    spawn-fcgi -n -a 127.0.0.1 -p 19000 -- /usr/lib/iipimage-server/iipsrv.fcgi > "$WORK/iip.log" 2>&1 &
  FCGI_PID=$!
  cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp; proxy_temp_path $WORK/nginx/tmp;
  fastcgi_temp_path $WORK/nginx/tmp; uwsgi_temp_path $WORK/nginx/tmp; scgi_temp_path $WORK/nginx/tmp;
  server {
    listen 127.0.0.1:$IIP_PORT;
    location /iiif/ {
      fastcgi_pass 127.0.0.1:19000;
      fastcgi_param PATH_INFO \$fastcgi_script_name;
      fastcgi_param REQUEST_METHOD \$request_method;
      fastcgi_param QUERY_STRING \$query_string;
      fastcgi_param CONTENT_TYPE \$content_type;
      fastcgi_param CONTENT_LENGTH \$content_length;
      fastcgi_param SERVER_PROTOCOL \$server_protocol;
      fastcgi_param REQUEST_URI \$request_uri;
      fastcgi_param HTTPS \$https if_not_empty;
    }
  }
}
CONF
  mkdir -p "$WORK/nginx/tmp"
  nginx -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
  NGINX_PID=$!
  sleep 1
  curl -sf "http://127.0.0.1:$IIP_PORT/iiif/pyr.tif/info.json" > /dev/null || { say "iipimage not answering"; SKIP_IIP=1; }
else
  SKIP_IIP=1
fi

run() {  # LABEL SCRIPT URL [env...]
  local label=$1 script=$2 url=$3; shift 3
  env "$@" PERF_LUA="$KIT" LABEL="$label" IMG_W=$W IMG_H=$H \
    wrk -t"$(( CONNS < 2 ? 1 : 2 ))" -c"$CONNS" -d"${DURATION}s" -s "$KIT/$script" "$url" | grep '^RESULT'
}
rss() { awk '/VmRSS/{print $2/1024 " MB"}' /proc/$SERVE/status; }

say "Disan RSS before: $(rss)"
for who in ${BASE:+base} disan iip; do
  if [ "$who" = base ]; then
    URL="http://127.0.0.1:$BASE_PORT"; PREFIX=/iiif/3/; IMG=$ID
  elif [ "$who" = disan ]; then
    URL="http://127.0.0.1:$PORT"; PREFIX=/iiif/3/; IMG=$ID
  else
    [ "$SKIP_IIP" = 1 ] && continue
    URL="http://127.0.0.1:$IIP_PORT"; PREFIX=/iiif/; IMG=pyr.tif
  fi
  run "$who tiles full-res" tiles.lua "$URL/" IMG_ID=$IMG SCALES=1 PREFIX=$PREFIX
  run "$who tiles all levels" tiles.lua "$URL/" IMG_ID=$IMG SCALES=1,2,4,8,16,32,64 PREFIX=$PREFIX
  run "$who region 2048->512" regions.lua "$URL/" IMG_ID=$IMG PREFIX=$PREFIX
  run "$who full/1024," plain.lua "$URL${PREFIX}$IMG/full/1024,/0/default.jpg"
  run "$who info.json" plain.lua "$URL${PREFIX}$IMG/info.json"
  # Unloaded latency: one connection.
  CONNS=1 run "$who tiles 1 conn" tiles.lua "$URL/" IMG_ID=$IMG SCALES=1 PREFIX=$PREFIX
  if [ "$who" = disan ]; then say "Disan RSS after: $(rss)"; fi
done

# Memory over a long run (the issue's "memory flat during a 60 s run"): with FLAT=SECONDS, two
# scenarios that decode (tiles of every level, regions) run that long against Disan alone,
# its resident memory sampled every 5 s.
if [ -n "${FLAT:-}" ]; then
  for scenario in "tiles all levels|tiles.lua|SCALES=1,2,4,8,16,32,64" "region 2048->512|regions.lua|"; do
    IFS='|' read -r label script extra <<< "$scenario"
    ( while sleep 5; do awk '/VmRSS/{printf "%.0f ", $2/1024}' /proc/$SERVE/status; done ) > "$WORK/flat.txt" &
    SAMPLER=$!
    DURATION=$FLAT run "disan $label ${FLAT}s" "$script" "http://127.0.0.1:$PORT/" IMG_ID=$ID PREFIX=/iiif/3/ ${extra:+$extra}
    kill $SAMPLER 2>/dev/null || true
    say "Disan RSS every 5 s during $label, ${FLAT}s (MB): $(cat "$WORK/flat.txt")"
  done
fi
