#!/usr/bin/env bash
# Installs the Debian 12 packages Canvass needs to build, test and run.
# Skips what is already installed; uses sudo when not root.
# Usage: scripts/setup.sh            (build + test + run dependencies)
#        scripts/setup.sh --bench    (also the benchmark baselines: wrk, nginx)
#        scripts/setup.sh --train    (also the plate recognizer's training: torch, onnx, fonts)
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libsqlite3-dev sqlite3 libpq-dev libs2-dev libabsl-dev libsodium-dev libssl-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libtomlplusplus-dev libspdlog-dev libcli11-dev
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev ffmpeg
  libavdevice-dev  # agent: V4L2 cameras (src/agent/video_source.cc)
  libopencv-objdetect-dev libopencv-imgproc-dev libopencv-core-dev opencv-data minisign libarchive-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  curl ca-certificates
  chromium  # web UI browser tests (web/tests/browser.test.mjs); Node 20 + npm come with the machine
  libopencv-dnn-dev libopencv-imgcodecs-dev  # recognize: ONNX networks, image files
  libfreetype-dev fonts-liberation fonts-dejavu-core  # synthetic video's plates (media/plate_painter.cc)
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(wrk nginx-light)
fi
if [[ "${1:-}" == "--train" ]]; then  # recognize: make train-recognizer (tools/recognizer)
  packages+=(python3-torch python3-opencv python3-onnx python3-numpy
             fonts-dejavu fonts-liberation fonts-urw-base35 fonts-roboto fonts-bebas-neue
             fonts-b612 fonts-routed-gothic fonts-opendin)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
