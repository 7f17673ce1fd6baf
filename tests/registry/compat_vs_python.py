"""Compatibility verdicts: Sluice vs python3-avro's avro.compatibility.

Generates (reader, writer) schema pairs from evolution mutations of a base record and
from every pair of primitive types, asks python3-avro's
ReaderWriterCompatibilityChecker for its verdict, and asserts that Sluice agrees:

  * `sluice avro compat --reader R --writer W` (exit 0 compatible, 1 not), and
  * the registry: W registered in a fresh subject under NONE, then
    POST /compatibility/subjects/{s}/versions/latest with R under BACKWARD
    (BACKWARD = "the new schema can read data written with the latest").

Pairs where python3-avro 1.11.1 is known to deviate from the specification are listed
in KNOWN_PYTHON_DEVIATIONS with the reason; for those the test asserts the verdict the
specification gives instead (so a change on either side is noticed).

Run: SLUICE_BINARY=build/src/cli/sluice /usr/bin/python3 compat_vs_python.py [--verbose]
"""
import copy
import json
import os
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "clients", "python"))

from sluice_server import SluiceServer, sluice_binary  # noqa: E402

import avro.schema  # noqa: E402
from avro.compatibility import (  # noqa: E402
    ReaderWriterCompatibilityChecker, SchemaCompatibilityType)

PRIMITIVES = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]

BASE = {
    "type": "record", "name": "Event", "namespace": "t",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "count", "type": "int"},
        {"name": "score", "type": "float"},
        {"name": "name", "type": "string"},
        {"name": "blob", "type": "bytes"},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B", "C"]}},
        {"name": "tags", "type": {"type": "array", "items": "int"}},
        {"name": "attrs", "type": {"type": "map", "values": "string"}},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "inner", "type": {"type": "record", "name": "Inner",
                                   "fields": [{"name": "x", "type": "int"}]}},
        {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 4}},
    ],
}


def field(schema, name):
    for f in schema["fields"]:
        if f["name"] == name:
            return f
    raise KeyError(name)


def mutate(fn):
    s = copy.deepcopy(BASE)
    fn(s)
    return s


def set_type(name, t):
    return lambda s: field(s, name).__setitem__("type", t)


def drop_field(name):
    return lambda s: s["fields"].remove(field(s, name))


def add_field(f):
    return lambda s: s["fields"].append(f)


def chain(*fns):
    def run(s):
        for fn in fns:
            fn(s)
    return run


def enum_symbols(symbols, default=None):
    def run(s):
        t = {"type": "enum", "name": "Kind", "symbols": symbols}
        if default is not None:
            t["default"] = default
        field(s, "kind")["type"] = t
    return run


def inner_fields(fields):
    return lambda s: field(s, "inner").__setitem__(
        "type", {"type": "record", "name": "Inner", "fields": fields})


def rename(new_name, aliases=None):
    def run(s):
        s["name"] = new_name
        if aliases is not None:
            s["aliases"] = aliases
    return run


def rename_field(old, new, aliases=None):
    def run(s):
        f = field(s, old)
        f["name"] = new
        if aliases is not None:
            f["aliases"] = aliases
    return run


MUTATIONS = {
    "add field with default": add_field({"name": "extra", "type": "int", "default": 0}),
    "add field without default": add_field({"name": "extra", "type": "int"}),
    "add optional field": add_field({"name": "extra", "type": ["null", "long"], "default": None}),
    "remove field": drop_field("count"),
    "remove field with default": drop_field("note"),
    "int to long": set_type("count", "long"),
    "int to float": set_type("count", "float"),
    "int to double": set_type("count", "double"),
    "int to string": set_type("count", "string"),
    "long to int": set_type("id", "int"),
    "long to double": set_type("id", "double"),
    "float to double": set_type("score", "double"),
    "string to bytes": set_type("name", "bytes"),
    "bytes to string": set_type("blob", "string"),
    "string to int": set_type("name", "int"),
    "enum add symbol": enum_symbols(["A", "B", "C", "D"]),
    "enum remove symbol": enum_symbols(["A", "B"]),
    "enum remove symbol with default": enum_symbols(["A", "B", "Z"], default="Z"),
    "enum reorder symbols": enum_symbols(["C", "B", "A"]),
    "enum renamed": set_type("kind", {"type": "enum", "name": "Sort", "symbols": ["A", "B", "C"]}),
    "union add branch": set_type("note", ["null", "string", "int"]),
    "union remove branch": set_type("note", ["null"]),
    "union to plain": chain(set_type("note", "string"),
                            lambda s: field(s, "note").__setitem__("default", "")),
    "plain to union": set_type("name", ["null", "string"]),
    "plain to union with promotion": set_type("count", ["null", "long"]),
    "union reorder": chain(set_type("note", ["string", "null"]),
                           lambda s: field(s, "note").__setitem__("default", "")),
    "nested add field with default": inner_fields([{"name": "x", "type": "int"},
                                                   {"name": "y", "type": "int", "default": 1}]),
    "nested add field without default": inner_fields([{"name": "x", "type": "int"},
                                                      {"name": "y", "type": "int"}]),
    "nested change type": inner_fields([{"name": "x", "type": "long"}]),
    "nested remove field": inner_fields([]),
    "nested renamed": set_type("inner", {"type": "record", "name": "Other",
                                         "fields": [{"name": "x", "type": "int"}]}),
    "nested renamed with alias": set_type("inner", {"type": "record", "name": "Other",
                                                    "aliases": ["t.Inner"],
                                                    "fields": [{"name": "x", "type": "int"}]}),
    "nested renamed with relative alias": set_type("inner", {"type": "record", "name": "Other",
                                                             "aliases": ["Inner"],
                                                             "fields": [{"name": "x", "type": "int"}]}),
    "array items int to long": set_type("tags", {"type": "array", "items": "long"}),
    "array items int to string": set_type("tags", {"type": "array", "items": "string"}),
    "array to map": set_type("tags", {"type": "map", "values": "int"}),
    "map values string to bytes": set_type("attrs", {"type": "map", "values": "bytes"}),
    "map values string to int": set_type("attrs", {"type": "map", "values": "int"}),
    "fixed size change": set_type("hash", {"type": "fixed", "name": "Hash", "size": 8}),
    "fixed renamed": set_type("hash", {"type": "fixed", "name": "Digest", "size": 4}),
    "fixed to bytes": set_type("hash", "bytes"),
    "record renamed": rename("Happening"),
    "record renamed with alias": rename("Happening", ["t.Event"]),
    "record namespace changed": lambda s: s.__setitem__("namespace", "u"),
    "field renamed": rename_field("count", "total"),
    "field renamed with alias": rename_field("count", "total", ["count"]),
    "field renamed with alias and default": chain(
        rename_field("count", "total", ["count"]),
        lambda s: field(s, "total").__setitem__("default", 0)),
    "field type and default change": chain(set_type("count", "long"),
                                           lambda s: field(s, "count").__setitem__("default", 5)),
    "many changes": chain(drop_field("blob"), set_type("count", "long"),
                          add_field({"name": "extra", "type": "string", "default": ""})),
}

# Pairs on which python3-avro 1.11.1 departs from the specification, keyed by
# (case name, direction), with the verdict the specification gives and why.
KNOWN_PYTHON_DEVIATIONS = {
    # The specification resolves an unqualified alias in the namespace of the type that
    # declares it ("Inner" in namespace t is t.Inner), as Java does when parsing.
    # python3-avro compares the writer's full name with the alias text as written
    # (compatibility.schema_name_equals), so a relative alias never matches.
    ("nested renamed with relative alias", "new reads old"): (
        True, "python3-avro does not qualify relative aliases with the namespace"),
}


def pairs():
    base = json.dumps(BASE)
    for name, fn in MUTATIONS.items():
        mutated = json.dumps(mutate(fn))
        # "new reads old": reader = mutated, writer = base (what BACKWARD checks).
        yield (name, "new reads old"), mutated, base
        # "old reads new": reader = base, writer = mutated (what FORWARD checks).
        yield (name, "old reads new"), base, mutated
    for r in PRIMITIVES:
        for w in PRIMITIVES:
            yield ("primitive", "%s reads %s" % (r, w)), json.dumps(r), json.dumps(w)
    # Top-level unions and primitives against unions.
    for r, w in [(["null", "int"], "int"), ("int", ["null", "int"]), (["int"], ["int", "string"]),
                 (["long", "string"], ["int", "string"]), (["string"], "bytes"),
                 ("long", ["int"]), (["null", "double"], ["null", "float"])]:
        yield ("union", "%s reads %s" % (json.dumps(r), json.dumps(w))), json.dumps(r), json.dumps(w)


def python_verdict(reader, writer):
    r = avro.schema.parse(reader)
    w = avro.schema.parse(writer)
    result = ReaderWriterCompatibilityChecker().get_compatibility(r, w)
    return result.compatibility is SchemaCompatibilityType.compatible


def cli_verdict(reader, writer):
    out = subprocess.run([sluice_binary(), "avro", "compat", "--reader", reader, "--writer", writer],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise RuntimeError("sluice avro compat failed (%d): %s" % (out.returncode, out.stderr))
    return out.returncode == 0, out.stdout.strip()


def http(url, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def registry_verdict(url, index, reader, writer):
    subject = "compat-%d" % index
    status, body = http(url, "PUT", "/config/" + subject, {"compatibility": "NONE"})
    assert status == 200, body
    status, body = http(url, "POST", "/subjects/%s/versions" % subject, {"schema": writer})
    assert status == 200, body
    status, body = http(url, "PUT", "/config/" + subject, {"compatibility": "BACKWARD"})
    assert status == 200, body
    status, body = http(url, "POST",
                        "/compatibility/subjects/%s/versions/latest?verbose=true" % subject,
                        {"schema": reader})
    assert status == 200, (status, body)
    return body["is_compatible"], body.get("messages", [])


def main():
    verbose = "--verbose" in sys.argv
    failures = []
    count = 0
    agreed_compatible = 0
    with SluiceServer() as url:
        for index, (key, reader, writer) in enumerate(pairs()):
            count += 1
            expected = python_verdict(reader, writer)
            deviation = KNOWN_PYTHON_DEVIATIONS.get(key)
            if deviation is not None:
                spec_verdict, why = deviation
                assert spec_verdict != expected, \
                    "%s: python no longer deviates (%s); drop it from the list" % (key, why)
                expected = spec_verdict
            ours, detail = cli_verdict(reader, writer)
            reg, messages = registry_verdict(url, index, reader, writer)
            agreed_compatible += expected
            line = "%-45s %-28s python=%-5s cli=%-5s registry=%-5s" % (
                key[0], key[1], expected, ours, reg)
            if ours != expected or reg != expected:
                failures.append(line + "\n    cli: " + detail.replace("\n", "\n         ") +
                                "\n    registry: " + "; ".join(messages)[:400])
            elif verbose:
                print("ok  " + line)
    print("%d pairs (%d compatible, %d incompatible), %d known python deviations, %d disagreements"
          % (count, agreed_compatible, count - agreed_compatible, len(KNOWN_PYTHON_DEVIATIONS),
             len(failures)))
    for f in failures:
        print("DISAGREE " + f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
