#!/usr/bin/env bash
# Schema registry throughput and start-up benchmark (loopback only, fixed durations).
#
#   bench/registry_bench.sh [path/to/sluice]
#
# Starts `sluice registry serve` on 127.0.0.1 with a temporary SQLite store (WAL,
# synchronous writes: every answered registration is durable), then runs wrk with
# 64 connections for DURATION (default 10s) each on:
#   1. GET /schemas/ids/{id}       id uniform over PRELOAD (1000) registered schemas
#   2. POST /subjects/{s}/versions  re-registration of an existing schema (idempotent)
#   3. POST /subjects/{s}/versions  a NEW version per request, each through a BACKWARD
#                                   check against the latest version (durable writes/s)
#   4. start-up: spawn to first answered GET /schemas/ids/1 with 10,000 stored schemas
# and prints req/s and p99 latency (wrk --latency) for each, plus the server's CPU time
# per request (all its threads, from /proc/PID/task/*/schedstat): throughput depends on
# what else runs on the machine, CPU per request much less. Targets (issue 4): 1 and 2
# >= 50,000 req/s with p99 < 5 ms; 3 >= 2,000/s; 4 < 100 ms.
#
# Environment: DURATION (10s), CONNECTIONS (64), WRK_THREADS (2), PRELOAD (1000),
# STARTUP_SCHEMAS (10000), SUBJECTS_PER_THREAD (32, for run 3), SERVER_THREADS (passed to serve --threads when set; unset = the
# server's default, one I/O thread per two hardware threads).
# Needs wrk and /usr/bin/python3 (Debian packages; scripts/install-deps.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
sluice=${1:-${SLUICE:-$root/build/src/cli/sluice}}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
wrk_threads=${WRK_THREADS:-2}
preload=${PRELOAD:-1000}
startup_schemas=${STARTUP_SCHEMAS:-10000}
python=/usr/bin/python3
tool="$here/registry/registry_tool.py"

command -v wrk >/dev/null || { echo "registry_bench: wrk not found (apt-get install wrk)" >&2; exit 1; }
[[ -x "$sluice" ]] || { echo "registry_bench: $sluice is not built" >&2; exit 1; }

tmp=$(mktemp -d)
server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() {
  stop_server
  rm -rf "$tmp"
}
trap cleanup EXIT

# start_server STORE: runs the server in the background and sets $url.
start_server() {
  local out="$tmp/server.out"
  : >"$out"
  local extra=()
  [[ -n "${SERVER_THREADS:-}" ]] && extra+=(--threads "$SERVER_THREADS")
  "$sluice" registry serve --listen 127.0.0.1:0 --store "$1" "${extra[@]}" >"$out" 2>"$tmp/server.err" &
  server_pid=$!
  for _ in $(seq 1 200); do
    url=$(grep -o 'http://[0-9.:]*' "$out" | head -1 || true)
    [[ -n "$url" ]] && return 0
    sleep 0.05
  done
  echo "registry_bench: server did not start: $(cat "$tmp/server.err")" >&2
  exit 1
}

results=()
# server_cpu_ns: CPU time (ns) used so far by every thread of the server.
server_cpu_ns() {
  cat /proc/"$server_pid"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%.0f", s}'
}
# run_wrk NAME SCRIPT: runs wrk, prints its output, records "name req/s p99 cpu/req non2xx".
run_wrk() {
  local name=$1 script=$2
  echo "== $name (wrk -t$wrk_threads -c$connections -d$duration)"
  local out cpu0 cpu1
  cpu0=$(server_cpu_ns)
  out=$(wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency -s "$script" "$url")
  cpu1=$(server_cpu_ns)
  echo "$out"
  local rps p99 non2xx requests cpu_us
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu_us=$(awk -v d=$((cpu1 - cpu0)) -v n="${requests:-0}" \
    'BEGIN {if (n > 0) printf "%.1f", d / n / 1000; else print "?"}')
  results+=("$(printf '%-48s %12s req/s   p99 %-9s server CPU %6s us/req   non-2xx %s' \
    "$name" "$rps" "$p99" "$cpu_us" "${non2xx:-0}")")
}

echo "registry_bench: $sluice, $(nproc) CPUs, duration $duration, $connections connections," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1 and 2: reads and idempotent registrations ------------------------------------
start_server "sqlite:$tmp/bench.db"
max_id=$("$python" "$tool" populate "$url" "$preload" preload)
echo "preloaded $preload schemas (max id $max_id) at $url"
export BENCH_MAX_ID=$max_id
run_wrk "GET /schemas/ids/{id}" "$here/registry/ids_random.lua"

export BENCH_SUBJECT=preload-7
BENCH_SCHEMA_BODY=$("$python" -c '
import json, sys
sys.path.insert(0, sys.argv[1])
import registry_tool
print(json.dumps({"schema": registry_tool.schema(7)}))' "$here/registry")
export BENCH_SCHEMA_BODY
# Check the body really is idempotent (same id) before trusting a number.
first=$(curl -s -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
  --data "$BENCH_SCHEMA_BODY" "$url/subjects/$BENCH_SUBJECT/versions")
echo "idempotent body answers $first"
run_wrk "POST /subjects/{s}/versions (existing schema)" "$here/registry/post_existing.lua"
versions=$(curl -s "$url/subjects/$BENCH_SUBJECT/versions")
[[ "$versions" == "[1]" ]] || { echo "registry_bench: idempotent POST created versions: $versions" >&2; exit 1; }

# --- 3: new versions through BACKWARD checks, durable ---------------------------------
export BENCH_SUBJECTS_PER_THREAD=${SUBJECTS_PER_THREAD:-32}
run_wrk "POST new version (BACKWARD check, durable)" "$here/registry/register_new.lua"
created=$("$python" - "$url" <<'PY'
import json, sys, urllib.request
url = sys.argv[1]
subjects = json.load(urllib.request.urlopen(url + "/subjects"))
print(sum(len(json.load(urllib.request.urlopen("%s/subjects/%s/versions" % (url, s))))
          for s in subjects if s.startswith("bench-new-")))
PY
)
echo "versions created by the new-registration run: $created"
stop_server

# --- 4: start-up with 10,000 stored schemas ----------------------------------------------
start_server "sqlite:$tmp/startup.db"
"$python" "$tool" populate "$url" "$startup_schemas" startup >/dev/null
stop_server
read -r s_min s_med s_max s_cpu < <("$python" "$tool" startup "$sluice" "sqlite:$tmp/startup.db" 5)
results+=("$(printf '%-48s min %s ms, median %s ms, max %s ms; server CPU by then %s ms' \
  "start-up to first answer ($startup_schemas schemas)" "$s_min" "$s_med" "$s_max" "$s_cpu")")

echo
echo "== summary (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
for r in "${results[@]}"; do echo "$r"; done
