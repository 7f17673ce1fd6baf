#!/usr/bin/python3
"""Reads every part-*.avro under a folder with python3-avro (avro.datafile) and prints
{"<relative path>": {"codec": ..., "records": [...]}} as JSON: the peer's view of what
`sluice ingest` wrote. Values are made JSON-plain: timestamps (datetime) as
microseconds since the epoch, bytes as latin-1 text."""
import datetime
import json
import os
import sys

import avro.datafile
import avro.io

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def plain(v):
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        return (v - EPOCH) // datetime.timedelta(microseconds=1)
    if isinstance(v, bytes):
        return v.decode("latin-1")
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def main():
    root = sys.argv[1]
    out = {}
    for folder, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if not (name.startswith("part-") and name.endswith(".avro")):
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                reader = avro.datafile.DataFileReader(f, avro.io.DatumReader())
                codec = reader.get_meta("avro.codec").decode()
                records = [plain(r) for r in reader]
                reader.close()
            out[os.path.relpath(path, root)] = {"codec": codec, "records": records}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
