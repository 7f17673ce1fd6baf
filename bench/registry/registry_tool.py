"""Helpers for bench/registry_bench.sh (stdlib only, /usr/bin/python3).

  registry_tool.py populate URL COUNT PREFIX   registers COUNT distinct schemas, one per
                                               subject PREFIX-<i>, over 8 keep-alive
                                               connections; prints the largest id
  registry_tool.py startup SLUICE STORE [RUNS] starts `sluice registry serve --store STORE`
                                               RUNS times and prints the time from spawn to
                                               the first answered GET /schemas/ids/1 (min,
                                               median, max ms) and the median CPU time the
                                               server used by then (ms)
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse


def schema(i):
    return json.dumps({"type": "record", "name": "S%d" % i, "namespace": "bench",
                       "fields": [{"name": "id", "type": "long"},
                                  {"name": "v%d" % i, "type": "string", "default": ""}]})


def populate(url, count, prefix):
    u = urllib.parse.urlparse(url)
    max_id = [0]
    lock = threading.Lock()
    errors = []

    def worker(start):
        conn = http.client.HTTPConnection(u.hostname, u.port)
        for i in range(start, count, 8):
            body = json.dumps({"schema": schema(i)})
            conn.request("POST", "/subjects/%s-%d/versions" % (prefix, i), body,
                         {"Content-Type": "application/vnd.schemaregistry.v1+json"})
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200:
                errors.append((resp.status, data[:200]))
                return
            with lock:
                max_id[0] = max(max_id[0], json.loads(data)["id"])
        conn.close()

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit("populate failed: %r" % (errors[0],))
    print(max_id[0])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_ms(pid):
    """CPU time used so far by every thread of process pid (ms; Linux schedstat)."""
    total = 0
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, task)) as f:
                total += int(f.read().split()[0])
    except OSError:
        return float("nan")
    return total / 1e6


def startup(sluice, store, runs):
    times, cpu = [], []
    for _ in range(runs):
        port = free_port()
        t0 = time.perf_counter()
        proc = subprocess.Popen([sluice, "registry", "serve", "--listen", "127.0.0.1:%d" % port,
                                 "--store", store], stdout=subprocess.DEVNULL)
        try:
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/schemas/ids/1")
                    resp = conn.getresponse()
                    resp.read()
                    if resp.status == 200:
                        break
                    sys.exit("startup: GET /schemas/ids/1 answered %d" % resp.status)
                except (ConnectionRefusedError, ConnectionResetError):
                    time.sleep(0.0005)
                if time.perf_counter() - t0 > 30:
                    sys.exit("startup: no answer within 30 s")
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append(cpu_ms(proc.pid))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    times.sort()
    cpu.sort()
    print("%.1f %.1f %.1f %.1f" % (times[0], times[len(times) // 2], times[-1],
                                   cpu[len(cpu) // 2]))


if __name__ == "__main__":
    if sys.argv[1] == "populate":
        populate(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif sys.argv[1] == "startup":
        startup(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 5)
    else:
        sys.exit(__doc__)
