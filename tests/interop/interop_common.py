"""Shared helpers for the interop scripts: random datums for a python3-avro schema,
Avro-JSON <-> python datum conversion, running the Sluice interop driver."""
import json
import math
import os
import random
import struct
import subprocess
import sys

import avro.schema

# Codecs python3-avro 1.11 (Debian) can write and read. "xz" is not among them:
# avro.codecs.KNOWN_CODECS has null, deflate, bzip2, snappy, zstandard only, so xz is
# excluded from the python cases (Sluice's own tests cover xz round trips).
PYTHON_CODECS = ["null", "deflate", "snappy", "zstandard", "bzip2"]


def load_schema(path):
    with open(path) as f:
        return avro.schema.parse(f.read())


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


class Generator:
    """Random valid datums; every union branch, every enum symbol, odd strings."""

    def __init__(self, seed, max_depth=4):
        self.rng = random.Random(seed)
        self.max_depth = max_depth

    def string(self):
        alphabet = ["a", "Z", "0", " ", "\"", "\\", "\n", "\t", "\u00e9", "\u4e2d", "\U0001F600",
                    "\u0001", "/"]
        return "".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(0, 10)))

    def datum(self, s, depth=0):
        t = s.type
        r = self.rng
        if t == "null":
            return None
        if t == "boolean":
            return r.random() < 0.5
        if t == "int":
            return r.choice([0, -1, 1, 2**31 - 1, -2**31, r.randint(-2**31, 2**31 - 1)])
        if t == "long":
            return r.choice([0, -1, 2**63 - 1, -2**63, r.randint(-2**63, 2**63 - 1)])
        if t == "float":
            return f32(r.choice([0.0, -0.0, 1.5, r.uniform(-1e6, 1e6), 3.4e38]))
        if t == "double":
            return r.choice([0.0, -0.0, 0.1, r.uniform(-1e300, 1e300), 5e-324])
        if t == "bytes":
            return bytes(r.randint(0, 255) for _ in range(r.randint(0, 12)))
        if t == "string":
            return self.string()
        if t == "fixed":
            return bytes(r.randint(0, 255) for _ in range(s.size))
        if t == "enum":
            return r.choice(s.symbols)
        if t == "array":
            n = 0 if depth >= self.max_depth else r.randint(0, 3)
            return [self.datum(s.items, depth + 1) for _ in range(n)]
        if t == "map":
            n = 0 if depth >= self.max_depth else r.randint(0, 3)
            return {self.string() + str(i): self.datum(s.values, depth + 1) for i in range(n)}
        if t == "union":
            branches = s.schemas
            if depth >= self.max_depth:
                simple = [b for b in branches if b.type not in ("record", "array", "map")]
                if simple:
                    branches = simple
            return self.datum(r.choice(branches), depth + 1)
        if t in ("record", "error"):
            return {f.name: self.datum(f.type, depth + 1) for f in s.fields}
        raise ValueError("unknown type " + t)


def branch_name(s):
    return s.fullname if s.type in ("record", "enum", "fixed", "error") else s.type


def from_json(s, j):
    """Avro JSON encoding (as json.loads gives it) -> python3-avro datum."""
    t = s.type
    if t == "union":
        if j is None:
            return None
        (name, inner), = j.items()
        for b in s.schemas:
            if branch_name(b) == name:
                return from_json(b, inner)
        raise ValueError("no union branch " + name)
    if t in ("bytes", "fixed"):
        return j.encode("latin-1")
    if t in ("float", "double"):
        if isinstance(j, str):
            return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[j]
        return f32(float(j)) if t == "float" else float(j)
    if t == "array":
        return [from_json(s.items, x) for x in j]
    if t == "map":
        return {k: from_json(s.values, v) for k, v in j.items()}
    if t in ("record", "error"):
        return {f.name: from_json(f.type, j[f.name]) for f in s.fields}
    return j


def datum_equal(s, a, b, path="$"):
    """Deep equality of two datums of schema s; returns None or a difference."""
    t = s.type
    if t == "union":
        for br in s.schemas:
            if matches(br, a):
                return datum_equal(br, a, b, path)
        return f"{path}: no union branch fits {a!r}"
    if t in ("float", "double"):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return None
        if a != b or math.copysign(1, a) != math.copysign(1, b):
            return f"{path}: {a!r} != {b!r}"
        return None
    if t == "array":
        if len(a) != len(b):
            return f"{path}: array lengths {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = datum_equal(s.items, x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    if t == "map":
        if set(a) != set(b):
            return f"{path}: map keys differ"
        for k in a:
            d = datum_equal(s.values, a[k], b[k], f"{path}[{k!r}]")
            if d:
                return d
        return None
    if t in ("record", "error"):
        for f in s.fields:
            d = datum_equal(f.type, a[f.name], b[f.name], f"{path}.{f.name}")
            if d:
                return d
        return None
    if a != b or type(a) != type(b):
        return f"{path}: {a!r} != {b!r}"
    return None


def matches(s, d):
    t = s.type
    if t == "null":
        return d is None
    if t == "boolean":
        return isinstance(d, bool)
    if t in ("int", "long"):
        return isinstance(d, int) and not isinstance(d, bool)
    if t in ("float", "double"):
        return isinstance(d, float)
    if t == "bytes":
        return isinstance(d, bytes)
    if t == "fixed":
        return isinstance(d, bytes) and len(d) == s.size
    if t == "string":
        return isinstance(d, str)
    if t == "enum":
        return isinstance(d, str) and d in s.symbols
    if t == "array":
        return isinstance(d, list)
    if t == "map":
        return isinstance(d, dict)
    if t in ("record", "error"):
        return isinstance(d, dict) and all(f.name in d for f in s.fields) and \
            all(matches(f.type, d[f.name]) for f in s.fields)
    if t == "union":
        return any(matches(b, d) for b in s.schemas)
    return False


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return p.stdout


# The repository's root (this file is tests/interop/interop_common.py).
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def avsc_in(folder):
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".avsc"))


def schema_files(data_dir):
    """The schemas the interop tests run over: the project's benchmark records (nested
    records, optionals, an enum, arrays, maps; no logical types, which the generator here
    does not make), always; then, from the shared data, Avro's interop schema and the seed
    schemas, skipped with a printed reason when that data is absent."""
    files = avsc_in(os.path.join(REPO, "bench", "schemas"))
    upstream = os.path.join(data_dir, "avro-upstream", "schemas_interop.avsc")
    seed = os.path.join(data_dir, "seed-schemas")
    if os.path.isfile(upstream) and os.path.isdir(seed):
        files += [upstream] + avsc_in(seed)
    else:
        print(f"SKIP the shared-data schemas: {upstream} or {seed} is absent "
              f"(../shared/data is not beside the checkout); running the project's own schemas only",
              flush=True)
    return files


class Failures:
    def __init__(self):
        self.items = []
        self.cases = 0

    def check(self, ok_or_msg, where):
        self.cases += 1
        if ok_or_msg:
            self.items.append(f"{where}: {ok_or_msg}")
            print(f"FAIL {where}: {ok_or_msg}", flush=True)

    def finish(self, name):
        print(f"{name}: {self.cases} cases, {len(self.items)} failures")
        sys.exit(1 if self.items else 0)
