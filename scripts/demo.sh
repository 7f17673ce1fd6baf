#!/usr/bin/env bash
# README command one: installs what is missing, builds, and runs the main job on
# embedded defaults (no external servers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
exec build/src/cli/sluice demo "$@"
