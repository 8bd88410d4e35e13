#!/usr/bin/env bash
# IIIF Presentation manifests and media file delivery (issue #4, BENCHMARKS.md (d2)).
#
# usage: bench/presentation_bench.sh [BUILD_DIR] [WORKDIR]
#   env DURATION (wrk seconds, default 10), CONNS (default 8), FILE_MB (default 512)
# Needs: wrk, curl, ffmpeg, python3; nginx for the file-delivery reference.
#
# 1. One item with 8 images, a sound and a video: wrk on /iiif/3/manifests/{pid} and, in the
#    same run, on /iiif/3/{id}/info.json of one of its images (the reference).
# 2. A FILE_MB MiB file (random bytes) uploaded as a WAV: downloaded whole with curl from
#    /api/v1/media/{id}/file, against `curl file://` of the same preserved file and against
#    nginx serving it (sendfile on), each three times, best of three.
set -euo pipefail
BUILD=$(realpath "${1:-build}")
WORK=${2:-/tmp/disan-presentation-bench}
DURATION=${DURATION:-10}
CONNS=${CONNS:-8}
FILE_MB=${FILE_MB:-512}
DISAN="$BUILD/disan"
mkdir -p "$WORK"
WORK=$(realpath "$WORK")
say() { echo "== $*" >&2; }

DATA="$WORK/data"
rm -rf "$DATA"
"$DISAN" init "$DATA" > "$WORK/init.txt"
cat > "$WORK/item.jsonl" <<'JSON'
{"kind":"relic","names":[{"lang":"vi","value":"Nhà ngục Đắk Mil"},{"lang":"en","value":"Dak Mil Prison"}],"relic_type":"historical","licence":"cc_by_4_0","description":[{"lang":"vi","value":"Nhà ngục do thực dân Pháp xây dựng."}],"recognitions":[{"level":"national","decision":"10/2005/QĐ-BVHTT","date":"2005-03-17"}]}
JSON
"$DISAN" import --data "$DATA" "$WORK/item.jsonl" >&2
PID=$("$DISAN" export --data "$DATA" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["pid"])')

say "media: 8 images, a sound, a video"
for i in 1 2 3 4 5 6 7 8; do
  ffmpeg -nostdin -v error -f lavfi -i "testsrc=size=1200x800:duration=1" -frames:v 1 -y "$WORK/img$i.jpg"
done
ffmpeg -nostdin -v error -f lavfi -i "sine=frequency=440:duration=20" -y "$WORK/sound.wav"
ffmpeg -nostdin -v error -f lavfi -i "testsrc=size=640x360:rate=25:duration=20" -c:v mpeg4 -y "$WORK/video.mp4"
"$DISAN" media add --data "$DATA" "$PID" "$WORK"/img?.jpg "$WORK/sound.wav" "$WORK/video.mp4" > "$WORK/added.txt"
IMAGE=$(head -1 "$WORK/added.txt" | cut -f1)
"$DISAN" derive --data "$DATA" --all > /dev/null

say "a ${FILE_MB} MiB file"
{ head -c 44 "$WORK/sound.wav"; head -c $((FILE_MB << 20)) /dev/urandom; } > "$WORK/big.wav"
"$DISAN" media add --data "$DATA" "$PID" "$WORK/big.wav" > "$WORK/big.txt"
BIG=$(cut -f1 "$WORK/big.txt")

PORT=18090
"$DISAN" serve --data "$DATA" --listen 127.0.0.1:$PORT > "$WORK/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true; [ -n "${NGINX_PID:-}" ] && kill $NGINX_PID 2>/dev/null; true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.1; done
BASE="http://127.0.0.1:$PORT"
curl -sf "$BASE/iiif/3/manifests/$PID" -o "$WORK/manifest.json"
echo "manifest: $(wc -c < "$WORK/manifest.json") bytes, $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$WORK/manifest.json") canvases"

run_wrk() {
  local name=$1 url=$2
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$url" > "$WORK/wrk-$name.txt"
  awk -v n="$name" '/Requests\/sec/{r=$2} /^ +50%/{p=$2} END{printf "%-10s %10s req/s  p50 %s\n", n, r, p}' "$WORK/wrk-$name.txt"
}
say "wrk: manifest and info.json, ${CONNS} connections, ${DURATION}s each"
run_wrk manifest "$BASE/iiif/3/manifests/$PID"
run_wrk info.json "$BASE/iiif/3/$IMAGE/info.json"
run_wrk manifest2 "$BASE/iiif/3/manifests/$PID"

STORED=$(python3 - "$DATA" "$PID" "$BIG" <<'PY'
import hashlib, json, sys, os
data, pid, big = sys.argv[1:]
root = os.path.join(data, "ocfl")
h = hashlib.sha256(pid.encode()).hexdigest()
obj = os.path.join(root, h[0:3], h[3:6], h[6:9], h)
inv = json.load(open(os.path.join(obj, "inventory.json")))
state = inv["versions"][inv["head"]]["state"]
for digest, paths in state.items():
    if any(p.startswith("media/" + big + ".") and not p.endswith(".json") for p in paths):
        print(os.path.join(obj, inv["manifest"][digest][0]))
PY
)
echo "preserved file: $STORED ($(stat -c %s "$STORED") bytes)"

nginx_conf="$WORK/nginx.conf"
mkdir -p "$WORK/nginx"
cat > "$nginx_conf" <<EOF
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
worker_processes 2;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path $WORK/nginx;
  proxy_temp_path $WORK/nginx;
  fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx;
  scgi_temp_path $WORK/nginx;
  server { listen 127.0.0.1:18091; location / { root $(dirname "$STORED"); } }
}
EOF
if command -v nginx > /dev/null; then
  nginx -c "$nginx_conf" -p "$WORK/nginx" &
  NGINX_PID=$!
  sleep 0.5
fi

best() {  # best of three: MB/s of curl downloading $1
  local url=$1 top=0
  for _ in 1 2 3; do
    s=$(curl -s -o /dev/null -w '%{speed_download}' "$url")
    top=$(python3 -c "print(max($top, $s))")
  done
  python3 -c "print(f'{$top / 1048576:.0f}')"
}
cat "$STORED" > /dev/null  # in the page cache for every contender
say "file delivery, ${FILE_MB} MiB, best of three"
echo "curl file://         $(best "file://$STORED") MiB/s"
echo "disan /file          $(best "$BASE/api/v1/media/$BIG/file") MiB/s"
[ -n "${NGINX_PID:-}" ] && echo "nginx (sendfile)     $(best "http://127.0.0.1:18091/$(basename "$STORED")") MiB/s"
echo "disan /file, range   $(curl -s -o /dev/null -w '%{http_code} %{size_download}' -H 'Range: bytes=1000-2000999' "$BASE/api/v1/media/$BIG/file")"
grep VmHWM "/proc/$SERVE/status" || true
