#!/usr/bin/python3
"""Interop with avro-c (Debian avro-bin 1.11): avrocat reads files written by Sluice.

For every schema and every codec avrocat reads, Sluice writes random datums; avrocat
prints them as JSON; the records must equal Sluice's own JSON encoding of the same
file, after normalizing avro-c's own JSON conventions:
  * unions are keyed by the branch's SHORT name ("Foo"), not the fullname ("ns.Foo");
  * bytes and fixed are printed as C strings, so they end at the first NUL byte;
  * floats are printed as the double value of the float (0.10000000149011612);
  * doubles with 17 significant digits (compared as numbers).

Codecs: avrocat reads null, deflate and snappy. It rejects "zstandard" and "bzip2"
("unknown codec"), and reads only its own non-standard "lzma", not "xz"; those
codecs are excluded here explicitly (python_interop.py covers zstandard and bzip2).
Also exercised: avro-c's "lzma" files (written by `avromod --codec=lzma`) read by
Sluice, compared with avrocat's output of the same file.

Usage: avrocat_interop.py --driver PATH --data SHARED_DATA_DIR [--count N]
"""
import argparse
import json
import math
import os
import struct
import tempfile

import avro.schema

from interop_common import Failures, load_schema, run, schema_files

AVROCAT_CODECS = ["null", "deflate", "snappy"]


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def short(name):
    return name.rsplit(".", 1)[-1]


def branch_name(s):
    return s.fullname if s.type in ("record", "enum", "fixed", "error") else s.type


def compare(s, ours, theirs, path="$"):
    """ours: Sluice's Avro JSON; theirs: avrocat's. Returns None or a difference."""
    t = s.type
    if t == "union":
        if ours is None or theirs is None:
            return None if ours is None and theirs is None else f"{path}: {ours!r} vs {theirs!r}"
        (oname, oval), = ours.items()
        (tname, tval), = theirs.items()
        if short(oname) != short(tname):
            return f"{path}: branch {oname} vs {tname}"
        for b in s.schemas:
            if branch_name(b) == oname:
                return compare(b, oval, tval, f"{path}<{oname}>")
        return f"{path}: unknown branch {oname}"
    if t in ("bytes", "fixed"):
        expected = ours.split("\0", 1)[0]
        return None if expected == theirs else f"{path}: {ours!r} vs {theirs!r}"
    if t == "float":
        return None if f32(float(ours)) == f32(float(theirs)) else f"{path}: {ours} vs {theirs}"
    if t == "double":
        a, b = float(ours), float(theirs)
        same = a == b or (math.isnan(a) and math.isnan(b))
        return None if same else f"{path}: {ours} vs {theirs}"
    if t == "array":
        if len(ours) != len(theirs):
            return f"{path}: length {len(ours)} vs {len(theirs)}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            d = compare(s.items, a, b, f"{path}[{i}]")
            if d:
                return d
        return None
    if t == "map":
        if set(ours) != set(theirs):
            return f"{path}: keys {sorted(ours)} vs {sorted(theirs)}"
        for k in ours:
            d = compare(s.values, ours[k], theirs[k], f"{path}[{k!r}]")
            if d:
                return d
        return None
    if t in ("record", "error"):
        for f in s.fields:
            d = compare(f.type, ours[f.name], theirs[f.name], f"{path}.{f.name}")
            if d:
                return d
        return None
    return None if ours == theirs else f"{path}: {ours!r} vs {theirs!r}"


def compare_files(schema, our_lines, cat_lines):
    if len(our_lines) != len(cat_lines):
        return f"{len(our_lines)} records from Sluice, {len(cat_lines)} from avrocat"
    for i, (a, b) in enumerate(zip(our_lines, cat_lines)):
        d = compare(schema, json.loads(a), json.loads(b), f"record[{i}]")
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
            ours = os.path.join(tmp, "sluice.avro")
            for codec in AVROCAT_CODECS:
                where = f"{name} [{codec}]"
                try:
                    run([args.driver, "random", schema_path, str(args.count), "11", codec, ours])
                    our_lines = run([args.driver, "tojson", ours]).split("\n")[:-1]
                    cat_lines = run(["avrocat", ours]).split("\n")[:-1]
                    failures.check(compare_files(schema, our_lines, cat_lines), "sluice->avrocat " + where)
                    failures.check(None if len(our_lines) == args.count else "count",
                                   "record count " + where)
                except Exception as e:  # noqa: BLE001
                    failures.check(str(e), "sluice->avrocat " + where)
            # avro-c's own "lzma" codec: avromod recompresses our file; Sluice reads it.
            where = f"{name} [avro-c lzma]"
            lz = os.path.join(tmp, "avroc-lzma.avro")
            try:
                run([args.driver, "random", schema_path, str(args.count), "13", "null", ours])
                run(["avromod", "--codec=lzma", ours, lz])
                codec = run([args.driver, "codec", lz]).strip()
                failures.check(None if codec == "lzma" else codec, "avromod wrote lzma " + where)
                our_lines = run([args.driver, "tojson", lz]).split("\n")[:-1]
                cat_lines = run(["avrocat", lz]).split("\n")[:-1]
                failures.check(compare_files(schema, our_lines, cat_lines), "avro-c lzma->sluice " + where)
                failures.check(None if len(our_lines) == args.count else "count",
                               "record count " + where)
            except Exception as e:  # noqa: BLE001
                failures.check(str(e), "avro-c lzma->sluice " + where)
    failures.finish("avrocat_interop")


if __name__ == "__main__":
    main()
