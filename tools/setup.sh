#!/usr/bin/env bash
# Installs the Debian packages Annulo builds and tests with. Idempotent: only
# missing packages are installed, so a second run costs a few dpkg queries.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ninja-build
  libdcmtk-dev dcmtk
  libinsighttoolkit5-dev
  libvtk9-dev
  libimgui-dev libglfw3-dev libglew-dev libgl1-mesa-dri
  nlohmann-json3-dev
  libgtest-dev libgmock-dev googletest
  dicom3tools
  xvfb xauth
  xdotool
  clang-format
  python3-pydicom python3-numpy
  orthanc curl
  chromium
  orthanc-dicomweb libcurl4-openssl-dev
  nodejs
  libssl-dev
  openssl libssl-dev
  zlib1g-dev
  libx11-dev
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev  # the teaching cine (WebM, VP8 through libvpx)
  ffmpeg                                                       # ffprobe/ffmpeg: the tests' independent decoder
)
# npm: Debian's package, unless the installed nodejs already brings its own
# (NodeSource's does, and conflicts with Debian's npm). Test-only: the peer
# readers in tests/interop (npm ci from its package-lock.json when tests run).
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "annulo setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "annulo setup: all packages present"
fi
