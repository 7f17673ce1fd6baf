#!/usr/bin/env bash
# README command two: installs what is missing, builds, and runs every test —
# the release build, then the same suite under ASan+UBSan (clang), whose ctest run
# also includes a short bounded run of each libFuzzer target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 600)
bash scripts/build.sh sanitize
cd build-sanitize
ctest --output-on-failure -j "$(nproc)" --timeout 900
