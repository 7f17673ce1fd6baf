#!/usr/bin/env bash
# Kafka topic -> Kafka topics ingestion throughput on librdkafka's mock cluster.
#
#   bench/kafka_roundtrip.sh [path/to/sluice]
#
# Starts `sluice kafka mock` and `sluice registry serve` (memory store) as processes,
# writes LINES (default 1,000,000) simulated movie-log lines into topic `movielog`
# (`sluice movies simulate --to kafka://...`, timed apart), then times
#   sluice ingest --from kafka://BS/movielog --to kafka://BS --registry URL --idle-exit-ms IDLE
# which reads the topic in a consumer group, parses, encodes, produces framed Avro to
# one topic per type (idempotent producer, acks=all) and commits after the output is
# acknowledged. The time is the ingest process's wall time minus the idle wait at
# the end (IDLE ms, default 1000), and the result is checked before it is printed:
# the per-type topics must hold exactly LINES messages (`sluice kafka topics`).
#
# Prints lines/s for ingest (and, for reference, for simulate -> topic). Everything
# runs on this machine: the mock broker, the registry, the producer and the consumer
# share its cores, so treat the number as a floor for a real cluster.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
sluice=${1:-${SLUICE:-$root/build/src/cli/sluice}}
lines=${LINES:-1000000}
idle=${IDLE:-1000}
seed=${SEED:-42}

[[ -x "$sluice" ]] || { echo "kafka_roundtrip: $sluice is not built" >&2; exit 1; }

tmp=$(mktemp -d)
mock_pid=""
registry_pid=""
cleanup() {
  [[ -n "$mock_pid" ]] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null || true
  [[ -n "$registry_pid" ]] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

wait_for_line() {  # file pattern
  for _ in $(seq 1 200); do
    if grep -q "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "kafka_roundtrip: no '$2' in $1" >&2
  exit 1
}

# The mock keeps only the newest 5 MiB per partition: enough partitions that nothing
# of LINES lines is dropped (about 70 bytes a line in, 40 bytes an event out).
partitions=${PARTITIONS:-$(( lines / 40000 + 4 ))}
"$sluice" kafka mock --partitions "$partitions" --topic movielog --topic MovieWatchEvent \
  --topic MovieRatingEvent --topic RecommendationRequest --topic quarantine >"$tmp/mock.out" &
mock_pid=$!
wait_for_line "$tmp/mock.out" "bootstrap.servers="
bs=$(sed -n 's/^bootstrap.servers=//p' "$tmp/mock.out")

"$sluice" registry serve --listen 127.0.0.1:0 --store memory >"$tmp/registry.out" &
registry_pid=$!
wait_for_line "$tmp/registry.out" "listening on"
registry=$(grep -o 'http://[0-9.:]*' "$tmp/registry.out" | head -1)

now() { date +%s.%N; }

t0=$(now)
"$sluice" movies simulate --lines "$lines" --seed "$seed" --to "kafka://$bs/movielog" >/dev/null
t1=$(now)

"$sluice" ingest --from "kafka://$bs/movielog" --to "kafka://$bs" --registry "$registry" \
  --group bench --idle-exit-ms "$idle" --report "$tmp/report.json" --quiet >/dev/null
t2=$(now)

# Check before trusting the time: every line reached exactly one output topic.
out=$("$sluice" kafka topics --bootstrap "$bs" |
  awk -F'\t' '$1 != "movielog" { split($3, m, "="); n += m[2] } END { print n + 0 }')
in=$("$sluice" kafka topics --bootstrap "$bs" |
  awk -F'\t' '$1 == "movielog" { split($3, m, "="); print m[2] }')
if [[ "$in" != "$lines" || "$out" != "$lines" ]]; then
  echo "kafka_roundtrip: expected $lines lines in and out, got $in in and $out out" >&2
  exit 1
fi

/usr/bin/python3 - "$lines" "$t0" "$t1" "$t2" "$idle" "$tmp/report.json" <<'PY'
import json, sys
lines, t0, t1, t2, idle = int(sys.argv[1]), *map(float, sys.argv[2:5]), int(sys.argv[5])
report = json.load(open(sys.argv[6]))
ingest = (t2 - t1) - idle / 1000.0
print("simulate -> topic movielog : %9.0f lines/s (%.2f s)" % (lines / (t1 - t0), t1 - t0))
print("ingest topic -> topics     : %9.0f lines/s (%.2f s wall, idle exit excluded)"
      % (lines / ingest, ingest))
print("ingest report lines/s      : %9.0f (pipeline's own clock)" % report["lines_per_second"])
print("events out: " + ", ".join("%s %d" % kv for kv in sorted(report["events_out"].items())))
PY
