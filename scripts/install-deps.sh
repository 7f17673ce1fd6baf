#!/usr/bin/env bash
# Installs every Debian package Sluice needs to build, test and benchmark.
#
# Idempotent and quick when everything is present: it asks dpkg first and only
# runs apt-get (update, then install) for what is missing. Run as root (or with
# sudo available) on Debian 12.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang libclang-rt-14-dev
  # libraries
  libfmt-dev libcli11-dev libexpected-dev nlohmann-json3-dev libsimdjson-dev
  libzstd-dev libsnappy-dev libdeflate-dev libbz2-dev liblzma-dev zlib1g-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libboost-dev libsqlite3-dev libsodium-dev libcurl4-openssl-dev librdkafka-dev
  # peers used by interop tests and benchmarks
  python3 python3-avro python3-snappy python3-zstandard avro-bin libavro-dev
  python3-confluent-kafka python3-requests wrk openssl kcat
)

# Node.js runs the npm peers in tests; the machine image may ship its own build
# (which conflicts with Debian's npm package), so Debian's is only a fallback.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
