#!/usr/bin/python3
"""Interop with python3-avro (Debian, 1.11), both directions, for every codec python has.

  python -> Sluice -> python: python writes random datums of each schema with each
      codec; Sluice reads the file and writes it again (same codec); python reads
      Sluice's file and its records must equal python's originals.
  Sluice -> python: Sluice writes random datums with each codec; python reads them
      and they must equal Sluice's own JSON encoding of the same file (tojson).

Usage: python_interop.py --driver PATH --data SHARED_DATA_DIR [--count N]
Must run with /usr/bin/python3 (the Debian interpreter that has python3-avro).
"""
import argparse
import json
import os
import tempfile
import zlib

import avro.datafile
import avro.io

from interop_common import (PYTHON_CODECS, Failures, Generator, datum_equal, from_json,
                            load_schema, run, schema_files)


def write_python(path, schema, records, codec):
    with open(path, "wb") as f:
        w = avro.datafile.DataFileWriter(f, avro.io.DatumWriter(), schema, codec=codec)
        for r in records:
            w.append(r)
        w.close()


def read_python(path):
    with open(path, "rb") as f:
        r = avro.datafile.DataFileReader(f, avro.io.DatumReader())
        codec = r.meta.get("avro.codec", b"null").decode()
        return list(r), codec


def compare_lists(schema, got, want):
    if len(got) != len(want):
        return f"{len(got)} records, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        d = datum_equal(schema, g, w, f"record[{i}]")
        if d:
            return d
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--count", type=int, default=300)
    args = ap.parse_args()
    failures = Failures()
    with tempfile.TemporaryDirectory() as tmp:
        for schema_path in schema_files(args.data):
            schema = load_schema(schema_path)
            name = os.path.basename(schema_path)
            for codec in PYTHON_CODECS:
                where = f"{name} [{codec}]"
                # python -> Sluice -> python
                gen = Generator(seed=zlib.crc32(where.encode()))
                records = [gen.datum(schema) for _ in range(args.count)]
                py_file = os.path.join(tmp, "py.avro")
                ours = os.path.join(tmp, "sluice.avro")
                write_python(py_file, schema, records, codec)
                try:
                    run([args.driver, "recode", py_file, ours])
                    back, back_codec = read_python(ours)
                    failures.check(compare_lists(schema, back, records), "python->sluice->python " + where)
                    failures.check(None if back_codec == codec else f"codec {back_codec}",
                                   "sluice keeps codec " + where)
                except Exception as e:  # noqa: BLE001 - report and continue
                    failures.check(str(e), "python->sluice->python " + where)

                # Sluice -> python
                ours2 = os.path.join(tmp, "sluice-random.avro")
                try:
                    run([args.driver, "random", schema_path, str(args.count), "7", codec, ours2])
                    got, got_codec = read_python(ours2)
                    lines = run([args.driver, "tojson", ours2]).split("\n")[:-1]
                    want = [from_json(schema, json.loads(l)) for l in lines]
                    failures.check(compare_lists(schema, got, want), "sluice->python " + where)
                    failures.check(None if got_codec == codec else f"codec {got_codec}",
                                   "python sees codec " + where)
                    failures.check(None if len(got) == args.count else f"{len(got)} records",
                                   "record count " + where)
                except Exception as e:  # noqa: BLE001
                    failures.check(str(e), "sluice->python " + where)
    failures.finish("python_interop")


if __name__ == "__main__":
    main()
