#!/usr/bin/env bash
# Ingestion throughput: `sluice ingest` (one thread, file -> zstandard container files)
# vs the Python way (regex parse + python3-avro DatumWriter, bench/python_ingest_reference.py)
# on the same input, and the ratio. Not a test: numbers depend on the machine.
#
# Usage: bench/ingest_bench.sh [path/to/sluice]
#   SLUICE_BENCH_LINES=2000000   simulator lines (default 2,000,000)
#   SLUICE_BENCH_PY_LINES=100000 lines the Python reference gets (it is ~100x slower)
#   SLUICE_BENCH_REPETITIONS=3   runs of each side; the fastest counts (as in avro_bench:
#                                single runs on this 2-core VM vary by up to 25%)
set -euo pipefail
cd "$(dirname "$0")/.."
SLUICE=${1:-build/src/cli/sluice}
LINES=${SLUICE_BENCH_LINES:-2000000}
PY_LINES=${SLUICE_BENCH_PY_LINES:-100000}
REPS=${SLUICE_BENCH_REPETITIONS:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-ingest-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Inputs: simulator traffic (1% corrupted), and the McGill stream sample repeated to
# about a million lines (real CRLF logs).
"$SLUICE" movies simulate --lines "$LINES" --seed 11 --corruption-rate 0.01 --out "$WORK/sim.log" \
  >"$WORK/simulate.txt" 2>&1
echo "input: $(cat "$WORK/simulate.txt")"
SAMPLE=../shared/data/movielog/mcgill-2022-stream-sample.csv
if [[ -f "$SAMPLE" ]]; then
  for _ in $(seq 84); do cat "$SAMPLE"; done > "$WORK/mcgill.log"
fi

# lines/s from a --report JSON.
rate() { /usr/bin/python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$1" "${2:-lines_per_second}"; }

run_sluice() {  # name input: the fastest of REPS runs; its report stays in $WORK/$name.json
  local name=$1 input=$2 best=0
  for _ in $(seq "$REPS"); do
    rm -rf "$WORK/out-$name"
    "$SLUICE" ingest --quiet --from "$input" --to "$WORK/out-$name" --report "$WORK/run.json" >/dev/null
    local r; r=$(rate "$WORK/run.json")
    if (( r > best )); then best=$r; cp "$WORK/run.json" "$WORK/$name.json"; fi
  done
  local lines; lines=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lines_in"])' "$WORK/$name.json")
  printf '%-34s %9s lines %10s lines/s %10s lines/cpu-s\n' "sluice ingest ($name, zstandard)" \
    "$lines" "$(rate "$WORK/$name.json")" "$(rate "$WORK/$name.json" lines_per_cpu_second)"
}

echo "== sluice ingest, one thread, file -> zstandard part files (fastest of $REPS runs)"
run_sluice simulator "$WORK/sim.log"
SLUICE_RATE=$(rate "$WORK/simulator.json")
SLUICE_CPU_RATE=$(rate "$WORK/simulator.json" lines_per_cpu_second)
if [[ -f "$WORK/mcgill.log" ]]; then run_sluice mcgill "$WORK/mcgill.log"; fi

echo "== Python reference (regex + python3-avro DatumWriter, zstandard), first $PY_LINES lines (fastest of $REPS runs)"
PY_RATE=0
for _ in $(seq "$REPS"); do
  rm -rf "$WORK/py"
  OUT=$(/usr/bin/python3 bench/python_ingest_reference.py "$WORK/sim.log" "$WORK/py" zstandard "$PY_LINES")
  r=$(sed -E 's/.* lines_per_second=([0-9]+).*/\1/' <<<"$OUT")
  if (( r > PY_RATE )); then PY_RATE=$r; PY_OUT=$OUT; fi
done
echo "$PY_OUT"
PY_CPU_RATE=$(sed -E 's/.*lines_per_cpu_second=([0-9]+).*/\1/' <<<"$PY_OUT")
ratio() { /usr/bin/python3 -c "import sys; s,p=float(sys.argv[1]),float(sys.argv[2]); print(f'{s/p:.0f}x ({s:.0f} vs {p:.0f} {sys.argv[3]})')" "$@"; }
echo "ratio, wall clock: sluice is $(ratio "$SLUICE_RATE" "$PY_RATE" lines/s) the Python reference"
echo "ratio, CPU time:   sluice is $(ratio "$SLUICE_CPU_RATE" "$PY_CPU_RATE" lines/cpu-s) the Python reference"
echo "(on a busy machine the CPU-time figures are the ones to compare)"
