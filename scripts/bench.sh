#!/usr/bin/env bash
# Builds the release tree (benchmarks included) and runs the Avro benchmarks: Sluice
# vs avro-c in one process, then the ratio table (see bench/avro_bench.cc).
#
# Usage: scripts/bench.sh [google-benchmark flags...]
#   scripts/bench.sh                                  # full run, ~1-2 minutes
#   scripts/bench.sh --benchmark_filter='Decode'      # a subset
#   SLUICE_BENCH_RECORDS=200000 scripts/bench.sh      # smaller data sets
# Run on an idle machine: ratios come from one run, but absolute rates do not travel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release
build/bench/avro_bench "$@"
# Ingestion: sluice ingest vs the Python reference (bench/ingest_bench.sh).
bash bench/ingest_bench.sh build/src/cli/sluice
