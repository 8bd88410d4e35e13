#!/usr/bin/env bash
# Installs the Debian packages Disan needs to build, test and run. Idempotent: it asks
# dpkg first and calls apt-get only for what is missing, so a second run is instant.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libsqlite3-dev libicu-dev libssl-dev libroaring-dev libmagic-dev libsodium-dev
  nlohmann-json3-dev libcpp-httplib-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libxml2-dev libxml2-utils
  libxlsxwriter-dev
  libvips-dev libtiff-dev libvips-tools libturbojpeg0-dev
  curl python3
  libkainjow-mustache-dev chromium
  ffmpeg
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
