#!/usr/bin/python3
"""Regenerates the seed corpora in fuzz/corpus/<target>/ (small valid inputs).

Run with Debian's python3 (python3-avro, python3-snappy, python3-zstandard):
    /usr/bin/python3 fuzz/make_corpus.py
Datums are written by python3-avro, not by Sluice, so the seeds do not inherit our
own encoder's assumptions. The data fuzzers' schemas are read out of fuzz_schemas.h.
"""
import io
import json
import os
import re
import shutil

import avro.datafile
import avro.io
import avro.schema

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data"))
CORPUS = os.path.join(HERE, "corpus")


def schemas_from_header():
    text = open(os.path.join(HERE, "fuzz_schemas.h")).read()
    return [m.group(1) for m in re.finditer(r'R"\((.*?)\)"', text, re.S)]


def parse_plain(schema_json):
    """The schema without logical annotations (so samples can be raw bytes/ints)."""
    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "logicalType"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node
    return avro.schema.parse(json.dumps(strip(json.loads(schema_json))))


def datum(schema_json, value):
    schema = parse_plain(schema_json)
    out = io.BytesIO()
    avro.io.DatumWriter(schema).write(value, avro.io.BinaryEncoder(out))
    return out.getvalue()


# Sample values per fuzz schema (index as in fuzz_schemas.h), and their Avro JSON.
def samples():
    leaf = {"label": "leaf", "children": []}
    interop = {
        "intField": 12, "longField": -1234567890123, "stringField": "héllo",
        "boolField": True, "floatField": 1.5, "doubleField": -2.25,
        "bytesField": b"\x00\xff\x10", "nullField": None, "arrayField": [1.0, 2.5],
        "mapField": {"a": {"label": "x"}, "b": {"label": ""}}, "unionField": [b"q", b""],
        "enumField": "B", "fixedField": bytes(range(16)),
        "recordField": {"label": "root", "children": [leaf, {"label": "mid",
                                                             "children": [leaf]}]},
    }
    interop_json = {
        "intField": 12, "longField": -1234567890123, "stringField": "h\u00e9llo",
        "boolField": True, "floatField": 1.5, "doubleField": -2.25,
        "bytesField": "\u0000\u00ff\u0010", "nullField": None, "arrayField": [1.0, 2.5],
        "mapField": {"a": {"label": "x"}, "b": {"label": ""}},
        "unionField": {"array": ["q", ""]}, "enumField": "B",
        "fixedField": "".join(chr(i) for i in range(16)),
        "recordField": {"label": "root", "children": [leaf, {"label": "mid",
                                                             "children": [leaf]}]},
    }
    lst = {"value": 1, "next": {"value": -2, "next": {"value": 3, "next": None}}}
    lst_json = {"value": 1, "next": {"List": {"value": -2, "next": {"List": {
        "value": 3, "next": None}}}}}
    watch = {"time": "2024-03-01T12:00:00", "userId": "48213",
             "movieId": "the+matrix+1999", "minute": 42}
    change = {"bot": False, "length": {"new": 120, "old": None},
              "meta": {"offset": 99, "uri": "https://en.wikipedia.org/wiki/X"},
              "kind": "log", "tags": ["a", "bb"], "scores": {"x": 0.5, "y": -1.0},
              "prev": None}
    change_json = {"bot": {"boolean": False},
                   "length": {"wiki.Length": {"new": {"int": 120}, "old": None}},
                   "meta": {"offset": {"long": 99},
                            "uri": {"string": "https://en.wikipedia.org/wiki/X"}},
                   "kind": "log", "tags": ["a", "bb"], "scores": {"x": 0.5, "y": -1.0},
                   "prev": None}
    logical = {"amount": b"\x01\x02", "price": b"\x00" * 7 + b"\x05",
               "id": "123e4567-e89b-42d3-a456-426614174000", "day": 19000,
               "at": 1700000000000000, "span": b"\x01\x00\x00\x00" * 3, "f": 0.25,
               "grid": [{"k": [None, 1, "s", b"\x00" * 8]}, {}]}
    logical_json = {"amount": "\u0001\u0002", "price": "\u0000" * 7 + "\u0005",
                    "id": "123e4567-e89b-42d3-a456-426614174000", "day": 19000,
                    "at": 1700000000000000, "span": "\u0001\u0000\u0000\u0000" * 3,
                    "f": 0.25,
                    "grid": [{"k": [None, {"int": 1}, {"string": "s"},
                                    {"Price": "\u0000" * 8}]}, {}]}
    return [
        [(interop, interop_json)],
        [(lst, lst_json), ({"value": 0, "next": None}, {"value": 0, "next": None})],
        [(watch, watch)],
        [(change, change_json)],
        [(logical, logical_json)],
        [(None, None), (7, {"int": 7}), ("text", {"string": "text"}),
         ([1, 2, 3], {"array": [1, 2, 3]}), ({"k": "v"}, {"map": {"k": "v"}})],
    ]


def reset(target):
    path = os.path.join(CORPUS, target)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def main():
    schemas = schemas_from_header()
    all_samples = samples()
    assert len(schemas) == len(all_samples), (len(schemas), len(all_samples))

    decode = reset("avro_decode_fuzz")
    jsondir = reset("avro_json_fuzz")
    for i, (schema, cases) in enumerate(zip(schemas, all_samples)):
        for k, (value, value_json) in enumerate(cases):
            with open(os.path.join(decode, f"schema{i}_{k}.bin"), "wb") as f:
                f.write(bytes([i]) + datum(schema, value))
            with open(os.path.join(jsondir, f"schema{i}_{k}.json"), "wb") as f:
                f.write(bytes([i]) + json.dumps(value_json).encode())

    schema_dir = reset("avro_schema_fuzz")
    for name in ["schemas_interop.avsc", "schemas_weather.avsc", "schemas_fooBar.avsc",
                 "schemas_RecordWithRequiredFields.avsc", "schemas_reserved.avsc",
                 "data_schemas_withUnion_schema.json", "data_messageV1_test_schema.avsc"]:
        shutil.copy(os.path.join(SHARED, "avro-upstream", name), schema_dir)
    for name in ["cmu-repo-movie_watch.avsc", "wikimedia-processed.avsc"]:
        shutil.copy(os.path.join(SHARED, "seed-schemas", name), schema_dir)
    for i, schema in enumerate(schemas):
        with open(os.path.join(schema_dir, f"fuzz_schema{i}.avsc"), "w") as f:
            f.write(schema)
    # Edge cases of the upstream canonical-form tests (one schema per file).
    tests = open(os.path.join(SHARED, "avro-upstream", "data_schema-tests.txt")).read()
    for k, m in enumerate(re.finditer(r"<<INPUT\s*\n(.*?)\nINPUT", tests, re.S)):
        if k % 3 == 0:
            with open(os.path.join(schema_dir, f"upstream_test{k}.avsc"), "w") as f:
                f.write(m.group(1))
    for k, m in enumerate(re.finditer(r"<<INPUT (.*)", tests)):
        if k % 3 == 0:
            with open(os.path.join(schema_dir, f"upstream_line{k}.avsc"), "w") as f:
                f.write(m.group(1))

    container = reset("avro_container_fuzz")
    for name in ["data_weather.avro", "data_weather-deflate.avro", "data_weather-snappy.avro",
                 "data_weather-zstd.avro", "data_schemas_withUnion_data.avro"]:
        shutil.copy(os.path.join(SHARED, "avro-upstream", name), container)
    for i, (schema_json, cases) in enumerate(zip(schemas, all_samples)):
        schema = parse_plain(schema_json)
        for codec in ["null", "deflate", "snappy", "zstandard"] if i in (1, 3) else ["null"]:
            out = io.BytesIO()
            w = avro.datafile.DataFileWriter(out, avro.io.DatumWriter(), schema, codec=codec)
            for _ in range(3):
                for value, _json in cases:
                    w.append(value)
                w.flush()  # one block per round: several blocks per file
            w.writer.flush()
            with open(os.path.join(container, f"schema{i}_{codec}.avro"), "wb") as f:
                f.write(out.getvalue())
            w.close()


if __name__ == "__main__":
    main()
