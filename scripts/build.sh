#!/usr/bin/env bash
# Configures and builds one build tree. Usage: scripts/build.sh [release|sanitize]
#   release   build/          RelWithDebInfo, g++, tests and benchmarks; then installed
#                             into build/sluice-prefix and registered for find_package
#   sanitize  build-sanitize/ clang, ASan+UBSan, tests and libFuzzer targets
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
jobs=$(nproc)
case "$kind" in
  release)
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_BUILD_BENCH=ON >/dev/null
    cmake --build build -j "$jobs"
    # The library and the command as an installed CMake package in build/sluice-prefix,
    # registered in CMake's user package registry (~/.cmake/packages/Sluice): on this
    # machine find_package(Sluice), and so a schema artifact's find_dependency(Sluice),
    # work without CMAKE_PREFIX_PATH pointing at Sluice. One entry only, this checkout's:
    # entries this script wrote for other checkouts (or whose folder is gone) are
    # removed, as CMake would pick among them in no defined order.
    for component in sluice_dev sluice_runtime; do
      cmake --install build --prefix build/sluice-prefix --component "$component" >/dev/null
    done
    config=$(dirname "$(find "$PWD/build/sluice-prefix" -name SluiceConfig.cmake | head -n 1)")
    registry="${HOME:-/root}/.cmake/packages/Sluice"
    mkdir -p "$registry"
    for entry in "$registry"/*; do
      [ -f "$entry" ] || continue
      target=$(head -n 1 "$entry")
      case "$target" in
        */build/sluice-prefix/lib/cmake/Sluice) rm -f "$entry" ;;
        *) [ -d "$target" ] || rm -f "$entry" ;;
      esac
    done
    printf '%s\n' "$config" >"$registry/sluice-build"
    ;;
  sanitize)
    CC=clang CXX=clang++ cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DSLUICE_SANITIZE=ON -DSLUICE_BUILD_FUZZ=ON >/dev/null
    cmake --build build-sanitize -j "$jobs"
    ;;
  *) echo "usage: $0 [release|sanitize]" >&2; exit 2 ;;
esac
