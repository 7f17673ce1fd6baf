#!/usr/bin/env bash
# A longer fuzzing campaign: each libFuzzer target of the sanitizer build in turn.
#
# Usage: scripts/fuzz.sh [seconds per target, default 300] [target...]
#   scripts/build.sh sanitize && scripts/fuzz.sh 600
#   scripts/fuzz.sh 120 avro_decode_fuzz
# Builds build-sanitize/ (scripts/build.sh sanitize) when a target is missing;
# SLUICE_FUZZ_BUILD_DIR=<dir> uses the targets of another clang fuzz build instead.
# New interesting inputs go to fuzz/corpus-run/<target>/ (fuzz/corpus/<target>/ is
# only read); crashes, leaks, timeouts and OOMs go to fuzz/corpus-run/crashes/<target>/.
# Exit status 1 when any target found a crash. To make one a regression test, add
# the input to tests/ and reproduce it with: build-sanitize/fuzz/<target> <file>.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(avro_schema_fuzz avro_decode_fuzz avro_json_fuzz avro_container_fuzz)
fi
jobs=$(nproc)
build_dir=${SLUICE_FUZZ_BUILD_DIR:-build-sanitize}

for t in "${targets[@]}"; do
  if [[ ! -x $build_dir/fuzz/$t ]]; then
    [[ $build_dir == build-sanitize ]] || { echo "fuzz.sh: no $build_dir/fuzz/$t" >&2; exit 2; }
    bash scripts/build.sh sanitize || exit 2
    break
  fi
done

declare -A max_len=([avro_schema_fuzz]=8192 [avro_decode_fuzz]=4096 [avro_json_fuzz]=8192
                    [avro_container_fuzz]=65536)
failed=0
stamp=$(mktemp)
trap 'rm -f "$stamp"' EXIT
for t in "${targets[@]}"; do
  out=fuzz/corpus-run/$t
  art=fuzz/corpus-run/crashes/$t
  mkdir -p "$out" "$art"
  echo "== $t: ${seconds}s on $jobs workers"
  "$build_dir"/fuzz/"$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -max_len="${max_len[$t]:-65536}" -fork="$jobs" -ignore_crashes=1 -print_final_stats=1 \
    -artifact_prefix="$art/" "$out" fuzz/corpus/"$t" 2>&1 | grep -v NEW_FUNC | tail -n 8
  found=$(find "$art" -type f -newer "$stamp" | wc -l)
  if ((found > 0)); then
    echo "!! $t: $found new crash/timeout/oom inputs in $art"
    failed=1
  fi
done
exit $failed
