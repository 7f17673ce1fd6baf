#!/usr/bin/python3
"""Reads datums with python3-avro's schema resolution, for tests/avro/resolution_test.cc.

Usage: resolution_python.py CASES.json RESULTS.json

CASES.json is a list of {"name", "writer", "reader", "hex"}: writer and reader schemas
(JSON) and the writer datum's binary encoding in hex. RESULTS.json receives, per case
and in order, {"name", "ok": true, "value": <plain JSON>} or {"name", "ok": false,
"error": "..."}. The plain form has no union wrappers (python does not say which branch
it took), records as objects, bytes and fixed as ISO-8859-1 code points, enums as
symbols, so the C++ side converts its values to the same form before comparing.
"""
import io
import json
import sys

import avro.io
import avro.schema


def plain(value):
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def read_case(case):
    writer = avro.schema.parse(json.dumps(case["writer"]))
    reader = avro.schema.parse(json.dumps(case["reader"]))
    data = bytes.fromhex(case["hex"])
    decoder = avro.io.BinaryDecoder(io.BytesIO(data))
    return avro.io.DatumReader(writer, reader).read(decoder)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    results = []
    for case in cases:
        try:
            results.append({"name": case["name"], "ok": True, "value": plain(read_case(case))})
        except Exception as e:  # every python failure is a result to compare, not a crash
            results.append({"name": case["name"], "ok": False, "error": f"{type(e).__name__}: {e}"})
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
