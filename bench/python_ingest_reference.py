#!/usr/bin/python3
"""The Python way to do what `sluice ingest` does, for bench/ingest_bench.sh: parse
movie-log lines with regular expressions and write the events with python3-avro's
DatumWriter into container files (one per event type, codec as given), bad lines
counted. Prints `lines=<n> ... lines_per_second=<r> ... lines_per_cpu_second=<c>`.

Usage: python_ingest_reference.py <input.log> <out-dir> [codec] [max-lines]
"""
import datetime
import json
import os
import re
import sys
import time

import avro.datafile
import avro.io
import avro.schema

TIME = r"(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?)"
WATCH = re.compile(TIME + r",(\d+),GET /data/m/([^/\s,]+)/(\d+)\.mpg\r?$")
RATE = re.compile(TIME + r",(\d+),GET /rate/([^=\s,]+)=([1-5])\r?$")
RECO = re.compile(TIME + r",(\d+),recommendation request ([^,\s]+), status (\d+), "
                  r"result: (.*), (\d+) ms\r?$")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def parse_time(text):
    fmt = "%Y-%m-%dT%H:%M"
    if len(text) > 16:
        fmt += ":%S"
    if "." in text:
        head, frac = text.split(".")
        dt = datetime.datetime.strptime(head, fmt)
        dt = dt.replace(microsecond=int(frac[:6].ljust(6, "0")))
    else:
        dt = datetime.datetime.strptime(text, fmt)
    return dt.replace(tzinfo=datetime.timezone.utc)


def main():
    src, out = sys.argv[1], sys.argv[2]
    codec = sys.argv[3] if len(sys.argv) > 3 else "zstandard"
    max_lines = int(sys.argv[4]) if len(sys.argv) > 4 else None
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "schemas", "movies", "v1.avsc")) as f:
        records = json.load(f)
    schemas = {r["name"]: avro.schema.parse(json.dumps(r)) for r in records}
    os.makedirs(out, exist_ok=True)
    writers = {}
    for name, schema in schemas.items():
        f = open(os.path.join(out, name + ".avro"), "wb")
        writers[name] = avro.datafile.DataFileWriter(f, avro.io.DatumWriter(), schema, codec=codec)
    n = bad = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    with open(src, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            if max_lines is not None and n >= max_lines:
                break
            n += 1
            line = line.rstrip("\n")
            m = WATCH.match(line)
            if m:
                writers["MovieWatchEvent"].append({
                    "time": parse_time(m.group(1)), "userId": int(m.group(2)),
                    "movieId": m.group(3), "minute": int(m.group(4))})
                continue
            m = RATE.match(line)
            if m:
                writers["MovieRatingEvent"].append({
                    "time": parse_time(m.group(1)), "userId": int(m.group(2)),
                    "movieId": m.group(3), "rating": int(m.group(4))})
                continue
            m = RECO.match(line)
            if m:
                status = int(m.group(4))
                result = m.group(5)
                writers["RecommendationRequest"].append({
                    "time": parse_time(m.group(1)), "userId": int(m.group(2)),
                    "server": m.group(3), "status": status,
                    "recommendations": result.split(", ") if status == 200 else [],
                    "error": None if status == 200 else result,
                    "responseTimeMs": int(m.group(6))})
                continue
            bad += 1
    for w in writers.values():
        w.close()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print(f"lines={n} quarantined={bad} seconds={seconds:.3f} lines_per_second={n / seconds:.0f} "
          f"cpu_seconds={cpu:.3f} lines_per_cpu_second={n / cpu:.0f}")


if __name__ == "__main__":
    main()
