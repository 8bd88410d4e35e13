#!/usr/bin/env bash
# Upload benchmark (issue #4): a SIZE_MB MiB file (default 2048: a WAV header and random bytes)
# POSTed to /api/v1/items/{pid}/media over loopback with curl, with its SHA-256 sent as an RFC
# 9530 Content-Digest (the server computes SHA-256 and SHA-512 while it streams the body to
# disk and checks the one sent). Reports MB/s (the file's size over curl's total time, to the
# 201), and the server's resident memory before, at its highest during the upload (sampled
# every 0.2 s) and after. In the same run, as references: `cp` of the same file on the same
# disk, and `sha256sum` then `sha512sum` of it (the work the server does besides writing).
#
# usage: bench/upload_bench.sh [BUILD_DIR] [WORKDIR]
#   env SIZE_MB (default 2048)
# Target (issue): >= 200 MB/s with both digests computed, server memory unchanged. Not part
# of CI.
set -euo pipefail

BUILD=$(realpath "${1:-build}")
WORK=${2:-/tmp/disan-upload-bench}
SIZE_MB=${SIZE_MB:-2048}
DISAN="$BUILD/disan"
for program in "$DISAN" curl python3 ffmpeg; do
  command -v "$program" > /dev/null || { echo "upload_bench.sh: $program is missing" >&2; exit 1; }
done
mkdir -p "$WORK"
WORK=$(realpath "$WORK")
now() { date +%s.%N; }
rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / s / 1e6 }'; }
rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

echo "machine: $(nproc) cores, $(free -m | awk '/^Mem:/ {print $2}') MiB memory, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "build: $("$DISAN" version 2> /dev/null || echo "(no \`disan version\`)") at $DISAN"

DATA="$WORK/data"
rm -rf "$DATA"
TOKEN=$("$DISAN" init "$DATA" | sed -n 's/^API token[^:]*: //p')
cat > "$WORK/item.jsonl" <<'JSON'
{"kind":"intangible","names":[{"lang":"vi","value":"Sử thi Ot N'rong"}],"intangible_type":"oral_traditions_and_expressions","licence":"cc_by_4_0"}
JSON
"$DISAN" import --data "$DATA" "$WORK/item.jsonl" > /dev/null 2>&1
PID=$("$DISAN" export --data "$DATA" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["pid"])')

ffmpeg -nostdin -v error -f lavfi -i "sine=frequency=440:duration=1" -y "$WORK/head.wav"
{ head -c 44 "$WORK/head.wav"; head -c $((SIZE_MB << 20)) /dev/urandom; } > "$WORK/big.wav"
BYTES=$(stat -c %s "$WORK/big.wav")
DIGEST=$(python3 - "$WORK/big.wav" <<'PY'
import base64, hashlib, sys
h = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
print(base64.b64encode(h.digest()).decode())
PY
)

"$DISAN" serve --data "$DATA" --listen 127.0.0.1:0 > "$WORK/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2> /dev/null || true' EXIT
PORT=
for _ in $(seq 100); do
  PORT=$(sed -n 's/^listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/serve.log")
  [[ -n $PORT ]] && curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break
  sleep 0.1
done
[[ -n $PORT ]] || { echo "upload_bench.sh: the server did not start" >&2; cat "$WORK/serve.log" >&2; exit 1; }

before=$(rss_mb "$SERVE")
( peak=0; while kill -0 "$SERVE" 2> /dev/null; do
    r=$(rss_mb "$SERVE"); awk -v a="$r" -v b="$peak" 'BEGIN { exit !(a > b) }' && peak=$r
    echo "$peak" > "$WORK/peak.txt"; sleep 0.2
  done ) &
SAMPLER=$!
sync
status=$(curl -s -o "$WORK/answer.json" -w '%{http_code} %{time_total}' \
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/octet-stream" \
  -H "Content-Digest: sha-256=:$DIGEST:" -H "Expect:" -X POST -T "$WORK/big.wav" \
  "http://127.0.0.1:$PORT/api/v1/items/$PID/media?filename=epic.wav")
sleep 0.5
kill "$SAMPLER" 2> /dev/null || true
after=$(rss_mb "$SERVE")
read -r code seconds <<< "$status"
[[ $code == 201 ]] || { echo "upload_bench.sh: the upload answered $code" >&2; cat "$WORK/answer.json" >&2; exit 1; }

start=$(now); cp "$WORK/big.wav" "$WORK/copy.wav"; sync; cp_s=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
rm -f "$WORK/copy.wav"
start=$(now); sha256sum "$WORK/big.wav" > /dev/null; sha512sum "$WORK/big.wav" > /dev/null
sums_s=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')

echo "== upload of $BYTES bytes ($SIZE_MB MiB + a WAV header) with Content-Digest"
echo "   disan:        $seconds s = $(rate "$BYTES" "$seconds") MB/s (target >= 200)"
echo "   server RSS:   before $before MiB, highest during $(cat "$WORK/peak.txt") MiB, after $after MiB"
echo "   reference:    cp + sync of the file $(rate "$BYTES" "$cp_s") MB/s; sha256sum + sha512sum $(rate "$BYTES" "$sums_s") MB/s"
rm -f "$WORK/big.wav"
