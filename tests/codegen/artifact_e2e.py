"""End-to-end tests of schema artifacts, run by ctest with the built `sluice`:

  e2e       install the Sluice library (cmake --install, component sluice_dev) to a temp
            prefix, build artifacts movies 1.0.0 (schemas/movies/v1.avsc) and 1.1.0
            (v2.avsc) into that prefix, then configure, build and run the consumer project
            tests/codegen/artifact_consumer/ asking for 1.0.0 EXACT and for no version:
            each program round-trips a MovieWatchEvent through to_avro()/from_avro() and
            checks the version it was compiled against.
  determinism  the same `sluice artifact build` twice: byte-identical trees.
  generate  sluice_generate() in tests/codegen/artifact_consumer/generate/, running the
            installed bin/sluice (component sluice_runtime): a schema edit regenerates the
            header on the next `cmake --build` (no re-configure).
  sync      `sluice artifact sync` against a real `sluice registry serve --store memory`:
            v1 -> 1.0.0; re-sync -> nothing; compatible v2 -> 1.0.1 only; level NONE and an
            incompatible v3 -> 2.0.0.

Usage: artifact_e2e.py <case> --sluice BIN --build-dir DIR --source-dir DIR
"""
import argparse
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
CONSUMER = os.path.join(HERE, "artifact_consumer")


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def run(args, expect_ok=True, cwd=None, env=None):
    proc = subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if expect_ok and proc.returncode != 0:
        raise Failure("command failed (exit %d): %s\n%s" % (proc.returncode, " ".join(args),
                                                              proc.stdout))
    return proc


def cmake_configure_args(src, build, prefix_path, extra=()):
    args = ["cmake", "-S", src, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
            "-DCMAKE_PREFIX_PATH=" + ";".join(prefix_path)]
    ccache = shutil.which("ccache")
    if ccache:
        args.append("-DCMAKE_CXX_COMPILER_LAUNCHER=" + ccache)
    return args + list(extra)


def tree_files(root):
    out = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            out.append(os.path.relpath(os.path.join(dirpath, f), root))
    return sorted(out)


def install_sluice(opts, prefix):
    run(["cmake", "--install", opts.build_dir, "--prefix", prefix, "--component", "sluice_dev"])
    check(os.path.exists(os.path.join(prefix, "lib", "cmake", "Sluice", "SluiceConfig.cmake")),
          "cmake --install did not install SluiceConfig.cmake")


def build_artifact(opts, schema, version, out, name="movies"):
    return run([opts.sluice, "artifact", "build", "--schema", schema, "--name", name,
                "--version", version, "--out", out])


def case_e2e(opts, tmp):
    prefix = os.path.join(tmp, "prefix")
    install_sluice(opts, prefix)
    out = os.path.join(tmp, "artifacts")
    schemas = os.path.join(opts.source_dir, "schemas", "movies")
    build_artifact(opts, os.path.join(schemas, "v1.avsc"), "1.0.0", out)
    build_artifact(opts, os.path.join(schemas, "v2.avsc"), "1.1.0", out)
    v1 = os.path.join(out, "movies", "1.0.0")
    v2 = os.path.join(out, "movies", "1.1.0")
    meta = json.load(open(os.path.join(v1, "share", "movies-1.0.0", "artifact.json")))
    check(meta["version"] == "1.0.0" and meta["name"] == "movies", "artifact.json: %r" % meta)
    # The chooser files and the install project are the same bytes in both versions:
    # copying merges them.
    for f in ("lib/cmake/movies/moviesConfig.cmake", "lib/cmake/movies/moviesConfigVersion.cmake",
              "CMakeLists.txt"):
        check(filecmp.cmp(os.path.join(v1, f), os.path.join(v2, f), shallow=False),
              f + " differs between versions")
    # v1 is copied into the prefix; v2 is installed through its CMake project.
    shutil.copytree(v1, prefix, dirs_exist_ok=True)
    run(["cmake", "-S", v2, "-B", os.path.join(tmp, "install-v2")])
    run(["cmake", "--install", os.path.join(tmp, "install-v2"), "--prefix", prefix])
    check(os.path.exists(os.path.join(prefix, "include", "movies", "v1_1_0", "movies.hpp")),
          "cmake --install of the artifact did not install v1.1.0's header")

    cases = [  # (find_package version, EXACT, version the program must see, build it?)
        ("1.0.0", True, "1.0.0", True),
        ("", False, "1.1.0", True),
        ("1.0", False, "1.1.0", False),      # highest of major 1 that is >= 1.0
        ("1.1.0", True, "1.1.0", False),
    ]
    for i, (want, exact, expect, build) in enumerate(cases):
        bdir = os.path.join(tmp, "consumer%d" % i)
        cfg = run(cmake_configure_args(CONSUMER, bdir, [prefix], [
            "-DWANT_VERSION=" + want, "-DWANT_EXACT=" + ("ON" if exact else "OFF"),
            "-DEXPECT_VERSION=" + expect]))
        check("artifact_consumer: movies_VERSION=%s" % expect in cfg.stdout,
              "find_package(movies %s%s) did not pick %s:\n%s"
              % (want, " EXACT" if exact else "", expect, cfg.stdout))
        if build:
            run(["cmake", "--build", bdir])
            res = run([os.path.join(bdir, "consumer")])
            check("movies %s round trip ok" % expect in res.stdout, res.stdout)
            print(res.stdout.strip())
    # No installed version satisfies these: configure must fail.
    for want, exact in (("2.0.0", False), ("1.0.1", True)):
        bdir = os.path.join(tmp, "consumer-bad-" + want)
        cfg = run(cmake_configure_args(CONSUMER, bdir, [prefix], [
            "-DWANT_VERSION=" + want, "-DWANT_EXACT=" + ("ON" if exact else "OFF")]),
            expect_ok=False)
        check(cfg.returncode != 0, "find_package(movies %s) should fail:\n%s" % (want, cfg.stdout))
    # Two versions in one directory: the second find_package refuses (its target would
    # keep the first's include folder); the same version twice is fine.
    twice = os.path.join(tmp, "twice")
    os.makedirs(twice)
    for second, ok in (("1.1.0", False), ("1.0.0", True)):
        with open(os.path.join(twice, "CMakeLists.txt"), "w") as f:
            f.write("cmake_minimum_required(VERSION 3.25)\nproject(twice CXX)\n"
                    "find_package(movies 1.0.0 EXACT CONFIG REQUIRED)\n"
                    "find_package(movies %s EXACT CONFIG REQUIRED)\n" % second)
        bdir = os.path.join(tmp, "twice-" + second)
        cfg = run(cmake_configure_args(twice, bdir, [prefix]), expect_ok=ok)
        if not ok:
            check(cfg.returncode != 0 and "movies 1.0.0 is loaded already" in cfg.stdout,
                  "a second version in one directory should fail:\n%s" % cfg.stdout)
    print("e2e ok")


def case_determinism(opts, tmp):
    schema = os.path.join(opts.source_dir, "schemas", "movies", "v1.avsc")
    a = os.path.join(tmp, "a")
    b = os.path.join(tmp, "b")
    build_artifact(opts, schema, "1.2.3", a)
    build_artifact(opts, schema, "1.2.3", b)
    ta, tb = tree_files(a), tree_files(b)
    check(ta == tb, "different file lists: %r vs %r" % (ta, tb))
    check(len(ta) == 9, "expected 9 files, got %r" % ta)
    for f in ta:
        check(open(os.path.join(a, f), "rb").read() == open(os.path.join(b, f), "rb").read(),
              f + " differs between two builds")
    # Building over an existing tree gives the same bytes again.
    build_artifact(opts, schema, "1.2.3", a)
    for f in ta:
        check(open(os.path.join(a, f), "rb").read() == open(os.path.join(b, f), "rb").read(),
              f + " differs after a rebuild in place")
    # The default source is the schema file's name: the same schema by a relative path
    # from another folder is the same build (a no-op), not another one (refused).
    meta = json.load(open(os.path.join(a, "movies", "1.2.3", "share", "movies-1.2.3",
                                       "artifact.json")))
    check(meta["source"] == "v1.avsc", repr(meta))
    again = run([opts.sluice, "artifact", "build", "--schema", "v1.avsc", "--name", "movies",
                 "--version", "1.2.3", "--out", a], cwd=os.path.dirname(schema))
    check(again.stdout.rstrip().endswith("(built already, unchanged)"), again.stdout)
    print("determinism ok: %d files identical" % len(ta))
    # A schema file saved with a UTF-8 byte order mark: schema.avsc is plain JSON.
    bom = os.path.join(tmp, "bom.avsc")
    with open(bom, "wb") as f:
        f.write(b"\xef\xbb\xbf" + open(schema, "rb").read())
    run([opts.sluice, "artifact", "build", "--schema", bom, "--name", "bom", "--version", "1.0.0",
         "--out", a])
    stored = os.path.join(a, "bom", "1.0.0", "share", "bom-1.0.0", "schema.avsc")
    check(json.load(open(stored)) == json.load(open(schema)), "schema.avsc with a BOM")
    # Bad arguments: usage errors exit 2, a bad schema exits 1 naming the place; no tree.
    bad = os.path.join(tmp, "bad")
    for args, code, text in (
            (["--name", "bad-name", "--version", "1.0.0", "--schema", schema], 2, "--name"),
            (["--name", "ok", "--version", "1.0", "--schema", schema], 2, "x.y.z"),
            (["--name", "ok", "--version", "1.0.0", "--schema",
              '{"type":"record","name":"R","fields":[{"name":"a","type":"strin"}]}'], 1,
             'fields[0].type: unknown type "strin"')):
        proc = run([opts.sluice, "artifact", "build", "--out", bad] + args, expect_ok=False)
        check(proc.returncode == code and text in proc.stdout,
              "%r: exit %d, %s" % (args, proc.returncode, proc.stdout))
    check(not os.path.exists(os.path.join(bad, "ok")), "a failed build left files behind")


EVENT_V1 = {"type": "record", "name": "Event", "namespace": "regen.test",
            "fields": [{"name": "id", "type": "long"}]}
EVENT_V2 = {"type": "record", "name": "Event", "namespace": "regen.test",
            "fields": [{"name": "id", "type": "long"},
                       {"name": "addedLater", "type": "string", "default": "x"}]}


def case_generate(opts, tmp):
    prefix = os.path.join(tmp, "prefix")
    install_sluice(opts, prefix)
    # The installed sluice command (component sluice_runtime) is what sluice_generate runs.
    run(["cmake", "--install", opts.build_dir, "--prefix", prefix, "--component",
         "sluice_runtime"])
    check(os.access(os.path.join(prefix, "bin", "sluice"), os.X_OK), "bin/sluice not installed")
    schema = os.path.join(tmp, "event.avsc")
    with open(schema, "w") as f:
        json.dump(EVENT_V1, f)
    bdir = os.path.join(tmp, "build")
    run(cmake_configure_args(os.path.join(CONSUMER, "generate"), bdir, [prefix], [
        "-DEVENT_SCHEMA=" + schema]))
    run(["cmake", "--build", bdir])
    cache = open(os.path.join(bdir, "CMakeCache.txt")).read()
    check("SLUICE_EXECUTABLE:FILEPATH=" + os.path.join(prefix, "bin", "sluice") in cache,
          "sluice_generate did not pick the installed sluice")
    header = os.path.join(bdir, "generated", "event.hpp")  # OUTPUT_DIR generated
    check(os.path.exists(header), "sluice_generate did not write " + header)
    check(not os.path.exists(os.path.join(CONSUMER, "generate", "generated")),
          "sluice_generate wrote into the source tree")
    first = run([os.path.join(bdir, "generated_event")]).stdout
    check('"id"' in first and "addedLater" not in first, first)
    # The edit must be newer than the header, also on coarse file-time clocks, but not
    # dated in the future: a schema newer than the regenerated header would make the
    # no-change build below regenerate again.
    header_mtime = os.stat(header).st_mtime_ns
    for _ in range(100):
        with open(schema, "w") as f:
            json.dump(EVENT_V2, f)
        if os.stat(schema).st_mtime_ns > header_mtime:
            break
        time.sleep(0.05)
    check(os.stat(schema).st_mtime_ns > header_mtime,
          "the schema edit is not newer than the header")
    rebuild = run(["cmake", "--build", bdir])
    check("sluice avro codegen" in rebuild.stdout, "no regeneration:\n" + rebuild.stdout)
    second = run([os.path.join(bdir, "generated_event")]).stdout
    check("addedLater" in second, "the rebuilt program still has the old schema: " + second)
    check("addedLater" in open(header).read(), "header not regenerated")
    nothing = run(["cmake", "--build", bdir])
    check("sluice avro codegen" not in nothing.stdout, "regenerated with no change:\n" + nothing.stdout)
    print("generate ok")


class Registry:
    def __init__(self, sluice, tmp):
        self.err = open(os.path.join(tmp, "server.stderr"), "w")
        self.proc = subprocess.Popen([sluice, "registry", "serve", "--listen", "127.0.0.1:0",
                                      "--store", "memory"], stdout=subprocess.PIPE,
                                     stderr=self.err, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (https?://[0-9.]+:\d+)", line)
        if not m:
            self.stop()
            raise Failure("registry did not start: %r" % line)
        self.url = m.group(1)

    def call(self, method, path, body):
        req = urllib.request.Request(self.url + path, method=method,
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def register(self, subject, schema):
        return self.call("POST", "/subjects/%s/versions" % subject,
                         {"schema": json.dumps(schema)})["id"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.err.close()


WATCH_V1 = {"type": "record", "name": "Watch", "namespace": "sync.test",
            "fields": [{"name": "userId", "type": "long"}, {"name": "minute", "type": "int"}]}
WATCH_V2 = {"type": "record", "name": "Watch", "namespace": "sync.test",
            "fields": [{"name": "userId", "type": "long"}, {"name": "minute", "type": "int"},
                       {"name": "device", "type": ["null", "string"], "default": None}]}
WATCH_V3 = {"type": "record", "name": "Watch", "namespace": "sync.test",
            "fields": [{"name": "userId", "type": "string"}, {"name": "minute", "type": "int"}]}
OTHER = {"type": "record", "name": "Other", "fields": [{"name": "x", "type": "int"}]}


def built_lines(output):
    return [l for l in output.splitlines() if l.startswith("built ")]


def case_sync(opts, tmp):
    repo = os.path.join(tmp, "repo")
    reg = Registry(opts.sluice, tmp)
    try:
        sync = [opts.sluice, "artifact", "sync", "--registry", reg.url, "--out", repo]
        reg.register("movies.watch-value", WATCH_V1)
        reg.register("other-value", OTHER)
        out = run(sync).stdout
        built = built_lines(out)
        check(len(built) == 2, out)
        check(any(l.startswith("built movies_watch_value 1.0.0 from movies.watch-value version 1")
                  for l in built), out)
        check(any(l.startswith("built other_value 1.0.0") for l in built), out)
        check(os.path.isdir(os.path.join(repo, "movies_watch_value", "1.0.0", "include")), out)

        out = run(sync).stdout
        check(built_lines(out) == [] and "up to date" in out, "re-sync built something:\n" + out)

        reg.register("movies.watch-value", WATCH_V2)   # BACKWARD by default: accepted
        out = run(sync).stdout
        built = built_lines(out)
        check(len(built) == 1 and built[0].startswith(
            "built movies_watch_value 1.0.1 from movies.watch-value version 2") and
            "compatible" in built[0], out)

        reg.call("PUT", "/config/movies.watch-value", {"compatibility": "NONE"})
        reg.register("movies.watch-value", WATCH_V3)
        out = run(sync).stdout
        built = built_lines(out)
        check(len(built) == 1 and built[0].startswith(
            "built movies_watch_value 2.0.0 from movies.watch-value version 3") and
            "incompatible" in built[0], out)

        check(sorted(os.listdir(os.path.join(repo, "movies_watch_value"))) ==
              ["1.0.0", "1.0.1", "2.0.0", "versions.json"],
              repr(os.listdir(os.path.join(repo, "movies_watch_value"))))
        manifest = json.load(open(os.path.join(repo, "movies_watch_value", "versions.json")))
        check(manifest["subject"] == "movies.watch-value", repr(manifest))
        check([(v["registry_version"], v["artifact_version"]) for v in manifest["versions"]] ==
              [(1, "1.0.0"), (2, "1.0.1"), (3, "2.0.0")], repr(manifest))
        meta = json.load(open(os.path.join(repo, "movies_watch_value", "2.0.0", "share",
                                           "movies_watch_value-2.0.0", "artifact.json")))
        check(meta["fingerprint"]["hex"] == manifest["versions"][2]["fingerprint"], repr(meta))
        check("versions/3" in meta["source"], repr(meta))

        # A deleted artifact folder is rebuilt with its recorded version, nothing else.
        shutil.rmtree(os.path.join(repo, "movies_watch_value", "1.0.1"))
        out = run(sync).stdout
        built = built_lines(out)
        check(len(built) == 1 and "1.0.1" in built[0] and "rebuilt" in built[0], out)
        check(built_lines(run(sync).stdout) == [], "not idempotent after a rebuild")

        # Credentials in the URL are used but not recorded; with a failover list whose
        # first registry is down, the source names the one that served the snapshot.
        live = reg.url.replace("://", "://alice:hunter2@")
        repo2 = os.path.join(tmp, "repo2")
        out = run([opts.sluice, "artifact", "sync", "--registry",
                   "http://alice:hunter2@127.0.0.1:1," + live, "--out", repo2]).stdout
        check(len(built_lines(out)) == 4, out)
        for root, _, files in os.walk(repo2):
            for f in files:
                check("hunter2" not in open(os.path.join(root, f)).read(),
                      os.path.join(root, f) + " holds the password")
        meta = json.load(open(os.path.join(repo2, "other_value", "1.0.0", "share",
                                           "other_value-1.0.0", "artifact.json")))
        check(meta["source"].startswith(reg.url + "/subjects/other-value/versions/1 "),
              repr(meta))

        # Two subjects mapping to one dataset name: the second is reported (exit 1), the
        # others are synced and listed.
        reg.register("dup-value", OTHER)
        reg.register("dup.value", OTHER)
        reg.register("zz-value", OTHER)
        proc = run(sync, expect_ok=False)
        check(proc.returncode == 1, "exit %d:\n%s" % (proc.returncode, proc.stdout))
        built = built_lines(proc.stdout)  # stdout and stderr, as run() merges them
        check(len(built) == 2 and built[0].startswith("built dup_value 1.0.0 from dup-value ")
              and built[1].startswith("built zz_value 1.0.0 from zz-value "), proc.stdout)
        check('sluice: error: subject "dup.value"' in proc.stdout and
              'which stays "dup-value"' in proc.stdout and
              "1 of 5 subjects not synced" in proc.stdout, proc.stdout)
    finally:
        reg.stop()
    print("sync ok")


COUNTRY = {"type": "enum", "name": "Country", "namespace": "geo", "symbols": ["CA", "US"]}
ADDRESS = {"type": "record", "name": "Address", "namespace": "geo",
           "fields": [{"name": "city", "type": "string"}, {"name": "country", "type": "geo.Country"}]}
USER = {"type": "record", "name": "User", "namespace": "app",
        "fields": [{"name": "home", "type": "geo.Address"},
                   {"name": "work", "type": ["null", "geo.Address"], "default": None}]}


def register_user_chain(reg, context, country):
    """movies.user-value -> shared.address -> shared.country, registered in `context`
    ("" or ":.ctx:"); the references name their subjects without the context."""
    reg.register(context + "shared.country", country)
    reg.call("POST", "/subjects/%sshared.address/versions" % context,
             {"schema": json.dumps(ADDRESS),
              "references": [{"name": "geo.Country", "subject": "shared.country", "version": 1}]})
    reg.call("POST", "/subjects/%smovies.user-value/versions" % context,
             {"schema": json.dumps(USER),
              "references": [{"name": "geo.Address", "subject": "shared.address", "version": 1}]})


def case_references(opts, tmp):
    """Confluent schema references: movies.user-value uses geo.Address of subject
    shared.address, which uses geo.Country of shared.country; only movies.* is synced."""
    import avro.schema  # python3-avro, the peer that checks the artifact's schema file
    repo = os.path.join(tmp, "repo")
    reg = Registry(opts.sluice, tmp)
    try:
        register_user_chain(reg, "", COUNTRY)
        sync = [opts.sluice, "artifact", "sync", "--registry", reg.url, "--out", repo,
                "--prefix", "movies."]
        out = run(sync).stdout
        built = built_lines(out)
        check(len(built) == 1 and built[0].startswith(
            "built movies_user_value 1.0.0 from movies.user-value version 1"), out)
        check(sorted(os.listdir(repo)) == ["movies_user_value"], repr(os.listdir(repo)))
        share = os.path.join(repo, "movies_user_value", "1.0.0", "share", "movies_user_value-1.0.0")
        text = open(os.path.join(share, "schema.avsc")).read()
        parsed = avro.schema.parse(text)  # alone: the referenced types are inline
        home = parsed.fields_dict["home"].type
        check(home.fullname == "geo.Address" and
              home.fields_dict["country"].type.symbols == ["CA", "US"], text)
        meta = json.load(open(os.path.join(share, "artifact.json")))
        check("references geo.Address from shared.address version 1" in meta["source"], repr(meta))
        check(built_lines(run(sync).stdout) == [], "not idempotent with references")

        # In a context, a reference to a subject without one names the referrer's context
        # (as the registry resolves it): ":.stg:" has its own shared.country.
        register_user_chain(reg, ":.stg:", dict(COUNTRY, symbols=["FR"]))
        staged = os.path.join(tmp, "staged")
        out = run([opts.sluice, "artifact", "sync", "--registry", reg.url, "--out", staged,
                   "--prefix", ":.stg:movies."]).stdout
        check(len(built_lines(out)) == 1, out)
        (dataset,) = os.listdir(staged)
        text = open(os.path.join(staged, dataset, "1.0.0", "share", dataset + "-1.0.0",
                                 "schema.avsc")).read()
        home = avro.schema.parse(text).fields_dict["home"].type
        check(home.fields_dict["country"].type.symbols == ["FR"], text)

        # A consumer compiles against the artifact and round-trips a record through it. It
        # sets no C++ standard: the imported targets ask for C++20 themselves.
        app = os.path.join(tmp, "app")
        os.makedirs(app)
        with open(os.path.join(app, "CMakeLists.txt"), "w") as f:
            f.write("cmake_minimum_required(VERSION 3.25)\nproject(refapp CXX)\n"
                    "find_package(movies_user_value 1.0.0 EXACT CONFIG REQUIRED)\n"
                    "add_executable(refapp main.cc)\n"
                    "target_link_libraries(refapp PRIVATE movies_user_value::movies_user_value)\n")
        with open(os.path.join(app, "main.cc"), "w") as f:
            f.write("""#include <movies_user_value/v1_0_0/movies_user_value.hpp>
#include <cstdio>
int main() {
  namespace v = movies_user_value::v1_0_0;
  v::User u;
  u.home.city = "Montreal";
  u.home.country = v::Country::CA;
  auto bytes = u.to_avro();
  auto back = v::User::from_avro(bytes.data(), bytes.size());
  std::printf("%s\\n", back.to_json().c_str());
  return back == u ? 0 : 1;
}
""")
        prefix = os.path.join(tmp, "sluice-prefix")
        install_sluice(opts, prefix)
        build = os.path.join(tmp, "app-build")
        run(cmake_configure_args(app, build, [os.path.join(repo, "movies_user_value", "1.0.0"), prefix]))
        run(["cmake", "--build", build])
        out = run([os.path.join(build, "refapp")]).stdout
        check(json.loads(out) == {"home": {"city": "Montreal", "country": "CA"}, "work": None}, out)
    finally:
        reg.stop()
    print("references ok")


def case_pkgconfig(opts, tmp):
    """A program using generated classes, built with plain g++ and pkg-config against the
    installed library (no CMake)."""
    prefix = os.path.join(tmp, "sluice-prefix")
    install_sluice(opts, prefix)
    schema = os.path.join(tmp, "user.avsc")
    with open(schema, "w") as f:
        json.dump({"type": "record", "name": "User", "namespace": "pc",
                   "fields": [{"name": "id", "type": "long"},
                              {"name": "email", "type": ["null", "string"], "default": None}]}, f)
    header = os.path.join(tmp, "user.hpp")
    run([opts.sluice, "avro", "codegen", schema, "--out", header])
    main_cc = os.path.join(tmp, "main.cc")
    with open(main_cc, "w") as f:
        f.write("""#include "user.hpp"
#include <cstdio>
int main() {
  pc::User u;
  u.id = 42;
  u.email = "a@b.c";
  auto bytes = u.to_avro();
  std::printf("%s\\n", pc::User::from_avro(bytes.data(), bytes.size()).to_json().c_str());
}
""")
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix, "lib", "pkgconfig"))
    flags = run(["pkg-config", "--cflags", "--libs", "sluice"], env=env).stdout.split()
    exe = os.path.join(tmp, "app")
    # The compiler the libraries were built with (the sanitizer build's is clang).
    cache = open(os.path.join(opts.build_dir, "CMakeCache.txt")).read()
    cxx = re.search(r"^CMAKE_CXX_COMPILER:\w+=(.+)$", cache, re.M).group(1)
    run([cxx, main_cc, "-o", exe] + flags)
    out = run([exe]).stdout
    check(json.loads(out) == {"id": 42, "email": {"string": "a@b.c"}}, out)
    print("pkgconfig ok")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("case", choices=["e2e", "determinism", "generate", "sync", "references",
                                    "pkgconfig"])
    p.add_argument("--sluice", required=True)
    p.add_argument("--build-dir", required=True)
    p.add_argument("--source-dir", required=True)
    opts = p.parse_args()
    opts.sluice = os.path.abspath(opts.sluice)
    tmp = tempfile.mkdtemp(prefix="sluice-artifact-")
    try:
        globals()["case_" + opts.case](opts, tmp)
    except Failure as e:
        print("FAIL:", e)
        print("(kept %s)" % tmp)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
