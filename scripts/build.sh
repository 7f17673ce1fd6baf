#!/usr/bin/env bash
# Configures and builds one build tree. Usage: scripts/build.sh [release|sanitize]
#   release   build/          RelWithDebInfo, g++, tests and benchmarks
#   sanitize  build-sanitize/ clang, ASan+UBSan, tests and libFuzzer targets
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
jobs=$(nproc)
case "$kind" in
  release)
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_BUILD_BENCH=ON >/dev/null
    cmake --build build -j "$jobs"
    ;;
  sanitize)
    CC=clang CXX=clang++ cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DSLUICE_SANITIZE=ON -DSLUICE_BUILD_FUZZ=ON >/dev/null
    cmake --build build-sanitize -j "$jobs"
    ;;
  *) echo "usage: $0 [release|sanitize]" >&2; exit 2 ;;
esac
