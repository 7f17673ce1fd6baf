"""Black-box tests of `sluice registry serve`: every endpoint, status and error code.

Run: SLUICE_BINARY=build/src/cli/sluice /usr/bin/python3 -m unittest tests/registry/http/test_rest_api.py
Each test class starts its own server on a free loopback port with a temporary store.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from registry_server import BINARY, V1, Client, RegistryServer  # noqa: E402

MOVIE_V1 = {"type": "record", "name": "MovieEvent", "namespace": "movies", "fields": [
    {"name": "user_id", "type": "long"}, {"name": "movie_id", "type": "string"},
    {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}
MOVIE_V2 = {**MOVIE_V1, "fields": MOVIE_V1["fields"] + [
    {"name": "rating", "type": ["null", "int"], "default": None},
    {"name": "device", "type": ["null", "string"], "default": None}]}
MOVIE_BAD = {**MOVIE_V1, "fields": MOVIE_V1["fields"] + [{"name": "session_id", "type": "string"}]}


def rec(name, *fields):
    return {"type": "record", "name": name, "fields": list(fields)}


class ServerCase(unittest.TestCase):
    extra_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = RegistryServer(*cls.extra_args).start()
        cls.c = Client(cls.server.url)

    @classmethod
    def tearDownClass(cls):
        rc = cls.server.stop()
        if rc not in (0, None):
            sys.stderr.write(f"server exited with {rc}: {open(cls.server.stderr_path).read()}\n")
        shutil.rmtree(cls.server.tmp, ignore_errors=True)

    def expect_error(self, r, http, code, message=None):
        self.assertEqual(r.status_code, http, r.text)
        body = r.json()
        self.assertEqual(body["error_code"], code, r.text)
        if message is not None:
            self.assertEqual(body["message"], message)
        return body


class TestBasics(ServerCase):
    def test_root_health_types(self):
        self.assertEqual(self.c.get("/").json(), {})
        self.assertEqual(self.c.get("/health").status_code, 200)
        self.assertEqual(self.c.get("/schemas/types").json(), ["AVRO"])
        self.assertEqual(self.c.get("/contexts").json(), ["."])
        self.assertIn("version", self.c.get("/v1/metadata/version").json())

    def test_register_canonical_and_ids(self):
        r = self.c.register("basic-a", {"type": "string"})
        self.assertEqual(r.status_code, 200, r.text)
        sid = r.json()["id"]
        self.assertEqual(self.c.get(f"/schemas/ids/{sid}").json(), {"schema": '"string"'})
        self.assertEqual(self.c.get(f"/schemas/ids/{sid}/schema").json(), "string")
        # idempotent, other spelling
        self.assertEqual(self.c.register("basic-a", '"string"').json()["id"], sid)
        self.assertEqual(self.c.get("/subjects/basic-a/versions").json(), [1])
        # same schema, other subject: same id
        self.assertEqual(self.c.register("basic-b", '"string"').json()["id"], sid)
        self.assertEqual(sorted(self.c.get(f"/schemas/ids/{sid}/subjects").json()),
                         ["basic-a", "basic-b"])
        self.assertEqual(sorted(self.c.get(f"/schemas/ids/{sid}/versions").json(),
                                key=lambda v: v["subject"]),
                         [{"subject": "basic-a", "version": 1}, {"subject": "basic-b", "version": 1}])
        v = self.c.get("/subjects/basic-a/versions/latest").json()
        self.assertEqual(v, {"subject": "basic-a", "version": 1, "id": sid, "schema": '"string"'})
        self.assertEqual(self.c.get("/subjects/basic-a/versions/-1").json(), v)
        self.assertEqual(self.c.get("/subjects/basic-a/versions/1/schema").json(), "string")
        lookup = self.c.post("/subjects/basic-a", {"schema": '{"type":"string"}'})
        self.assertEqual(lookup.json(), v)
        self.assertIn("basic-a", self.c.get("/subjects").json())
        self.assertEqual(self.c.get("/subjects", subjectPrefix="basic-").json(),
                         ["basic-a", "basic-b"])
        listed = self.c.get("/schemas", subjectPrefix="basic-").json()
        self.assertEqual([s["subject"] for s in listed], ["basic-a", "basic-b"])

    def test_url_encoded_subjects(self):
        r = self.c.register("enc/sub ject", '"int"')
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(self.c.get("/subjects/enc%2Fsub%20ject/versions").json(), [1])
        self.assertIn("enc/sub ject", self.c.get("/subjects").json())

    def test_not_found_codes(self):
        self.expect_error(self.c.get("/schemas/ids/9999"), 404, 40403, "Schema 9999 not found")
        self.expect_error(self.c.get("/subjects/none/versions"), 404, 40401,
                          "Subject 'none' not found.")
        self.expect_error(self.c.get("/subjects/none/versions/1"), 404, 40401)
        self.c.register("nf", '"int"')
        self.expect_error(self.c.get("/subjects/nf/versions/7"), 404, 40402, "Version 7 not found.")
        self.expect_error(self.c.post("/subjects/none", {"schema": '"int"'}), 404, 40401)
        self.expect_error(self.c.post("/subjects/nf", {"schema": '"long"'}), 404, 40403,
                          "Schema not found")
        self.expect_error(self.c.get("/nowhere"), 404, 404)
        self.expect_error(self.c.get("/subjects/nf/versions/1/nowhere"), 404, 404)

    def test_invalid_version_and_subject(self):
        self.c.register("iv", '"int"')
        msg = ("The specified version 'abc' is not a valid version id. Allowed values are between "
               "[1, 2^31-1] and the string \"latest\"")
        self.expect_error(self.c.get("/subjects/iv/versions/abc"), 422, 42202, msg)
        self.expect_error(self.c.get("/subjects/iv/versions/0"), 422, 42202)
        self.expect_error(self.c.get("/subjects/iv/versions/2147483648"), 422, 42202)
        self.expect_error(self.c.delete("/subjects/iv/versions/abc"), 422, 42202)
        self.expect_error(self.c.post("/subjects/%20/versions", {"schema": '"int"'}), 422, 42208)

    def test_invalid_schema(self):
        body = self.expect_error(self.c.register("bad", '{"type":"record","name":"R","fields":[{"name":"a","type":"strin"}]}'),
                                 422, 42201)
        self.assertIn("fields[0]", body["message"])
        self.expect_error(self.c.register("bad", "not json"), 422, 42201)
        self.expect_error(self.c.post("/subjects/bad/versions", {}), 422, 42201)
        for t in ("JSON", "PROTOBUF"):
            body = self.expect_error(self.c.register("bad", "{}", extra={"schemaType": t}), 422,
                                     42201)
            self.assertIn("not supported", body["message"])
        self.expect_error(self.c.register("bad", "{}", extra={"schemaType": "XML"}), 422, 42201)

    def test_malformed_json_and_methods(self):
        self.expect_error(self.c.post("/subjects/x/versions", raw="{nope"), 400, 400)
        self.expect_error(self.c.post("/subjects/x/versions", raw="[1,2]"), 422, 422)
        self.expect_error(self.c.post("/subjects/x/versions", {"schema": 5}), 422, 422)
        self.expect_error(self.c.req("PATCH", "/subjects"), 405, 405)
        self.expect_error(self.c.put("/schemas/ids/1", {}), 405, 405)

    def test_unknown_fields_tolerated(self):
        r = self.c.register("tol", '"bytes"', extra={"metadata": {"properties": {}},
                                                      "ruleSet": None, "schemaTagsToAdd": []})
        self.assertEqual(r.status_code, 200, r.text)

    def test_content_negotiation(self):
        self.c.register("neg", '"int"')
        path = "/subjects/neg/versions"
        cases = {
            None: V1, "*/*": V1, "*": V1, "application/*": V1, "*/does_not_matter": V1,
            "application/json": "application/json",
            "application/vnd.schemaregistry+json": "application/vnd.schemaregistry+json",
            "application/json;q=0.9, application/vnd.schemaregistry.v1+json;q=0.1":
                "application/json",
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json": V1,
        }
        for accept, want in cases.items():
            r = self.c.get(path, headers={} if accept is None else {"Accept": accept})
            self.assertEqual(r.status_code, 200, (accept, r.text))
            self.assertEqual(r.headers["Content-Type"], want, accept)
        for bad in ("text/html", "application/octet-stream", "application/xml"):
            self.expect_error(self.c.get(path, headers={"Accept": bad}), 406, 406,
                              "HTTP 406 Not Acceptable")
        self.expect_error(self.c.post(path, {"schema": '"int"'}, headers={"Content-Type": "text/html"}),
                          415, 415, "HTTP 415 Unsupported Media Type")
        for ct in ("application/json", "application/octet-stream",
                   "application/vnd.schemaregistry+json"):
            r = self.c.post(path, {"schema": '"int"'}, headers={"Content-Type": ct})
            self.assertEqual(r.status_code, 200, (ct, r.text))
        # No Content-Type at all: JSON.
        r = requests.post(self.server.url + path, data=json.dumps({"schema": '"int"'}))
        self.assertEqual(r.status_code, 200, r.text)
        # UTF-16 bodies.
        r = requests.post(self.server.url + path,
                          data=json.dumps({"schema": '"int"'}).encode("utf-16"),
                          headers={"Content-Type": "application/json; charset=utf-16"})
        self.assertEqual(r.status_code, 200, r.text)


class TestDeletes(ServerCase):
    def test_soft_then_permanent_subject(self):
        s = "del-subject"
        id1 = self.c.register(s, '"string"').json()["id"]
        self.c.register(s, '["null","string"]')
        self.expect_error(self.c.delete(f"/subjects/{s}", permanent="true"), 404, 40405,
                          f"Subject '{s}' was not deleted first before being permanently deleted")
        self.assertEqual(self.c.delete(f"/subjects/{s}").json(), [1, 2])
        self.expect_error(self.c.delete(f"/subjects/{s}"), 404, 40404,
                          f"Subject '{s}' was soft deleted.Set permanent=true to delete permanently")
        self.expect_error(self.c.get(f"/subjects/{s}/versions"), 404, 40401)
        self.assertNotIn(s, self.c.get("/subjects").json())
        self.assertIn(s, self.c.get("/subjects", deleted="true").json())
        self.assertIn(s, self.c.get("/subjects", deletedOnly="true").json())
        self.assertEqual(self.c.get(f"/subjects/{s}/versions", deleted="true").json(), [1, 2])
        self.assertEqual(self.c.get(f"/subjects/{s}/versions/1", deleted="true").status_code, 200)
        # ids stay readable after a soft delete
        self.assertEqual(self.c.get(f"/schemas/ids/{id1}").status_code, 200)
        # re-register: never reuses a version, same id
        r = self.c.register(s, '"string"').json()
        self.assertEqual(r["id"], id1)
        self.assertEqual(self.c.get(f"/subjects/{s}/versions").json(), [3])
        self.assertEqual(self.c.delete(f"/subjects/{s}").json(), [3])
        self.assertEqual(self.c.delete(f"/subjects/{s}", permanent="true").json(), [1, 2, 3])
        self.expect_error(self.c.delete(f"/subjects/{s}"), 404, 40401)
        self.expect_error(self.c.get(f"/schemas/ids/{id1}"), 404, 40403)
        # after a permanent delete versions restart at 1
        self.c.register(s, '"string"')
        self.assertEqual(self.c.get(f"/subjects/{s}/versions").json(), [1])

    def test_version_life_cycle(self):
        s = "del-version"
        self.c.register(s, '"string"')
        self.c.register(s, '["null","string"]')
        self.expect_error(self.c.delete(f"/subjects/{s}/versions/1", permanent="true"), 404, 40407,
                          f"Subject '{s}' Version 1 was not deleted first before being permanently deleted")
        self.assertEqual(self.c.delete(f"/subjects/{s}/versions/1").json(), 1)
        self.expect_error(self.c.delete(f"/subjects/{s}/versions/1"), 404, 40406,
                          f"Subject '{s}' Version 1 was soft deleted.Set permanent=true to delete permanently")
        self.expect_error(self.c.get(f"/subjects/{s}/versions/1"), 404, 40402)
        self.assertEqual(self.c.get(f"/subjects/{s}/versions").json(), [2])
        self.assertEqual(self.c.delete(f"/subjects/{s}/versions/1", permanent="true").json(), 1)
        self.expect_error(self.c.delete(f"/subjects/{s}/versions/9"), 404, 40402)
        self.expect_error(self.c.delete("/subjects/nobody/versions/1"), 404, 40401)
        self.assertEqual(self.c.delete(f"/subjects/{s}/versions/latest").json(), 2)
        self.expect_error(self.c.get(f"/subjects/{s}/versions/latest"), 404, 40401)

    def test_references_block_deletes(self):
        addr = {"type": "record", "name": "Address", "namespace": "acme",
                "fields": [{"name": "city", "type": "string"}]}
        self.c.register("ref-address", addr)
        user = {"type": "record", "name": "User", "namespace": "acme",
                "fields": [{"name": "home", "type": "acme.Address"}]}
        refs = [{"name": "acme.Address", "subject": "ref-address", "version": 1}]
        r = self.c.register("ref-user", user, extra={"references": refs})
        self.assertEqual(r.status_code, 200, r.text)
        uid = r.json()["id"]
        self.assertEqual(self.c.get("/subjects/ref-address/versions/1/referencedby").json(), [uid])
        got = self.c.get(f"/schemas/ids/{uid}").json()
        self.assertEqual(got["references"], refs)
        self.assertEqual(self.c.get("/subjects/ref-user/versions/1").json()["references"], refs)
        self.expect_error(self.c.delete("/subjects/ref-address/versions/1"), 422, 42206)
        self.expect_error(self.c.delete("/subjects/ref-address"), 422, 42206)
        # unresolvable reference -> invalid schema
        self.expect_error(self.c.register("ref-bad", user, extra={"references": [
            {"name": "acme.Address", "subject": "missing", "version": 1}]}), 422, 42201)
        lookup = self.c.post("/subjects/ref-user", {"schema": json.dumps(user), "references": refs})
        self.assertEqual(lookup.status_code, 200, lookup.text)
        self.c.delete("/subjects/ref-user")
        self.assertEqual(self.c.delete("/subjects/ref-address/versions/1").json(), 1)


class TestConfigModeCompat(ServerCase):
    def test_config(self):
        self.assertEqual(self.c.get("/config").json(), {"compatibilityLevel": "BACKWARD"})
        self.expect_error(self.c.get("/config/cfg"), 404, 40408,
                          "Subject 'cfg' does not have subject-level compatibility configured")
        self.assertEqual(self.c.get("/config/cfg", defaultToGlobal="true").json(),
                         {"compatibilityLevel": "BACKWARD"})
        self.assertEqual(self.c.put("/config/cfg", {"compatibility": "FULL"}).json(),
                         {"compatibility": "FULL"})
        self.assertEqual(self.c.get("/config/cfg").json(), {"compatibilityLevel": "FULL"})
        self.expect_error(self.c.put("/config/cfg", {"compatibility": "SIDEWAYS"}), 422, 42203)
        self.assertEqual(self.c.delete("/config/cfg").json(), {"compatibilityLevel": "FULL"})
        self.expect_error(self.c.get("/config/cfg"), 404, 40408)
        self.assertEqual(self.c.put("/config", {"compatibility": "NONE"}).json(),
                         {"compatibility": "NONE"})
        self.assertEqual(self.c.get("/config").json(), {"compatibilityLevel": "NONE"})
        self.assertEqual(self.c.delete("/config").json(), {"compatibilityLevel": "NONE"})
        self.assertEqual(self.c.get("/config").json(), {"compatibilityLevel": "BACKWARD"})

    def test_mode(self):
        self.assertEqual(self.c.get("/mode").json(), {"mode": "READWRITE"})
        self.expect_error(self.c.get("/mode/m"), 404, 40409,
                          "Subject 'm' does not have subject-level mode configured")
        self.assertEqual(self.c.get("/mode/m", defaultToGlobal="true").json(), {"mode": "READWRITE"})
        self.expect_error(self.c.put("/mode/m", {"mode": "SIDEWAYS"}), 422, 42204,
                          "Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD.")
        self.assertEqual(self.c.put("/mode/m", {"mode": "READONLY"}).json(), {"mode": "READONLY"})
        self.expect_error(self.c.register("m", '"int"'), 422, 42205)
        self.assertEqual(self.c.delete("/mode/m").json(), {"mode": "READONLY"})
        self.assertEqual(self.c.register("m", '"int"').status_code, 200)
        self.expect_error(self.c.put("/mode/m", {"mode": "IMPORT"}), 422, 42205)
        self.expect_error(self.c.register("m", '"int"', extra={"id": 500}), 422, 42205)

    def test_movie_evolution_and_breaking_change(self):
        for level in ("BACKWARD", "FULL", "FULL_TRANSITIVE", "BACKWARD_TRANSITIVE"):
            s = f"movies-{level.lower()}"
            self.c.put(f"/config/{s}", {"compatibility": level})
            self.assertEqual(self.c.register(s, MOVIE_V1).status_code, 200)
            r = self.c.register(s, MOVIE_V2)
            self.assertEqual(r.status_code, 200, (level, r.text))
            bad = self.expect_error(self.c.register(s, MOVIE_BAD), 409, 409)
            self.assertIn("session_id", bad["message"])
            self.assertIn("READER_FIELD_MISSING_DEFAULT_VALUE", bad["message"])
            self.assertIn("oldSchemaVersion: 2", bad["message"])
            self.assertTrue(bad["message"].startswith(
                f'Schema being registered is incompatible with an earlier schema for subject "{s}"'))

    def test_levels_on_chains(self):
        a_int = rec("R", {"name": "a", "type": "int"})
        a_long = rec("R", {"name": "a", "type": "long"})
        a_int_b = rec("R", {"name": "a", "type": "int"}, {"name": "b", "type": "string"})
        a_int_d = rec("R", {"name": "a", "type": "int", "default": 1})
        # (level, chain, expected status of the last registration)
        cases = [
            ("BACKWARD", [a_int, a_long], 200),        # long reads int
            ("FORWARD", [a_int, a_long], 409),         # int cannot read long
            ("FULL", [a_int, a_long], 409),
            ("NONE", [a_int, a_long, a_int], 200),
            ("FORWARD", [a_int, a_int_b], 200),        # old reader ignores b
            ("BACKWARD", [a_int, a_int_b], 409),       # b has no default
            ("FORWARD_TRANSITIVE", [a_long, a_int, a_long], 200),
            ("BACKWARD_TRANSITIVE", [a_long, rec("R"), a_int_d], 409),  # int can't read v1 long
            ("BACKWARD", [a_long, rec("R"), a_int_d], 200),             # only vs latest
            ("FULL_TRANSITIVE", [a_int, a_int], 200),
        ]
        for i, (level, chain, want) in enumerate(cases):
            s = f"chain-{i}"
            self.c.put(f"/config/{s}", {"compatibility": level})
            for schema in chain[:-1]:
                r = self.c.register(s, schema)
                self.assertEqual(r.status_code, 200, (level, r.text))
            r = self.c.register(s, chain[-1])
            self.assertEqual(r.status_code, want, (level, r.text))

    def test_compatibility_endpoint(self):
        s = "compat"
        self.c.register(s, MOVIE_V1)
        p = f"/compatibility/subjects/{s}/versions/latest"
        self.assertEqual(self.c.post(p, {"schema": json.dumps(MOVIE_V2)}).json(),
                         {"is_compatible": True})
        self.assertEqual(self.c.post(p, {"schema": json.dumps(MOVIE_BAD)}).json(),
                         {"is_compatible": False})
        v = self.c.post(p, {"schema": json.dumps(MOVIE_BAD)}, verbose="true").json()
        self.assertFalse(v["is_compatible"])
        self.assertTrue(any("session_id" in m for m in v["messages"]), v)
        self.assertEqual(self.c.post(f"/compatibility/subjects/{s}/versions",
                                     {"schema": json.dumps(MOVIE_V2)}).json(),
                         {"is_compatible": True})
        self.assertEqual(self.c.post("/compatibility/subjects/nobody/versions/latest",
                                     {"schema": '"int"'}).json(), {"is_compatible": True})
        self.expect_error(self.c.post(f"/compatibility/subjects/{s}/versions/5",
                                      {"schema": '"int"'}), 404, 40402)
        self.expect_error(self.c.post(p, {"schema": '{"type":"bogus"}'}), 422, 42201)
        v = self.c.post(p, {"schema": '{"type":"bogus"}'}, verbose="true").json()
        self.assertFalse(v["is_compatible"])
        self.assertEqual(len(v["messages"]), 1)

    def test_force_skips_compatibility(self):
        self.c.register("forced", '"string"')
        self.expect_error(self.c.register("forced", '"int"'), 409, 409)
        r = self.c.post("/subjects/forced/versions", {"schema": '"int"'}, force="true")
        self.assertEqual(r.status_code, 200, r.text)


class TestImportAndContexts(ServerCase):
    def test_import_mode(self):
        self.assertEqual(self.c.put("/mode", {"mode": "IMPORT"}).json(), {"mode": "IMPORT"})
        r = self.c.register("imp", '"string"', extra={"id": 42, "version": 3})
        self.assertEqual(r.json(), {"id": 42})
        self.assertEqual(self.c.get("/subjects/imp/versions").json(), [3])
        self.expect_error(self.c.register("imp2", '"int"', extra={"id": 42}), 422, 42207)
        self.expect_error(self.c.register("imp2", '"long"'), 422, 42205)
        self.assertEqual(self.c.put("/mode", {"mode": "READWRITE"}).json(), {"mode": "READWRITE"})
        self.assertEqual(self.c.register("after", '"bytes"').json()["id"], 43)
        self.expect_error(self.c.put("/mode", {"mode": "IMPORT"}), 422, 42205,
                          "Cannot import since found existing subjects")
        self.assertEqual(self.c.put("/mode", {"mode": "IMPORT"}, force="true").status_code, 200)
        self.c.put("/mode", {"mode": "READWRITE"})


class TestContexts(ServerCase):
    def test_contexts(self):
        a = self.c.register(":.tenant:orders", '"string"').json()["id"]
        b = self.c.register(":.other:orders", '"int"').json()["id"]
        self.assertEqual((a, b), (1, 1))  # ids are per context
        self.assertEqual(self.c.get(f"/schemas/ids/1", subject=":.tenant:orders").json(),
                         {"schema": '"string"'})
        self.assertEqual(self.c.get(f"/schemas/ids/1", subject=":.other:orders").json(),
                         {"schema": '"int"'})
        self.assertIn(".tenant", self.c.get("/contexts").json())
        self.assertEqual(self.c.get("/subjects", subjectPrefix=":.tenant:").json(),
                         [":.tenant:orders"])
        self.expect_error(self.c.delete("/contexts/.tenant"), 422, 42211)


class TestOptionsAndOps(ServerCase):
    extra_args = ("--incompatible-code", "40901", "--schema-type", "emit",
                  "--max-body-bytes", "2000")

    def test_incompatible_code_option(self):
        self.c.register("opt", '"string"')
        self.expect_error(self.c.register("opt", '"int"'), 409, 40901)

    def test_schema_type_emitted(self):
        sid = self.c.register("emit", '"long"').json()["id"]
        self.assertEqual(self.c.get(f"/schemas/ids/{sid}").json(),
                         {"schemaType": "AVRO", "schema": '"long"'})
        self.assertEqual(self.c.get("/subjects/emit/versions/1").json()["schemaType"], "AVRO")

    def test_body_limit(self):
        big = {"schema": json.dumps(rec("Big", *[{"name": f"f{i}", "type": "string"}
                                                 for i in range(200)]))}
        r = self.c.post("/subjects/big/versions", big)
        self.expect_error(r, 413, 413)
        self.assertEqual(self.c.get("/").status_code, 200)  # server still fine

    def test_metrics(self):
        self.c.get("/schemas/ids/1")
        text = self.c.get("/metrics").text
        self.assertIn('sluice_registry_requests_total{route="/schemas/ids/{id}"', text)
        self.assertIn("sluice_registry_request_duration_seconds_bucket", text)
        self.assertIn("sluice_registry_schemas ", text)
        self.assertIn("sluice_registry_subjects ", text)

    def test_expect_100_continue(self):
        body = json.dumps({"schema": '"float"'}).encode()
        port = int(self.server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sk:
            sk.sendall(b"POST /subjects/expect/versions HTTP/1.1\r\nHost: x\r\n"
                       b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
                       b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
            interim = sk.recv(4096)
            self.assertTrue(interim.startswith(b"HTTP/1.1 100"), interim)
            sk.sendall(body)
            data = b""
            while b'"id"' not in data:
                chunk = sk.recv(4096)
                if not chunk:
                    break
                data += chunk
            self.assertIn(b"200 OK", data)

    def test_garbage_request_does_not_crash(self):
        with socket.create_connection(("127.0.0.1", int(self.server.url.rsplit(":", 1)[1]))) as sk:
            sk.sendall(b"THIS IS NOT HTTP\r\n\r\n")
            data = sk.recv(4096)
            self.assertIn(b"400", data.split(b"\r\n")[0])
        self.assertEqual(self.c.get("/").status_code, 200)


class TestLifecycle(unittest.TestCase):
    def test_kill9_durability(self):
        tmp = tempfile.mkdtemp(prefix="sluice-registry-")
        try:
            srv = RegistryServer(tmpdir=tmp).start()
            c = Client(srv.url)
            ids = [c.register(f"dur-{i}", rec(f"R{i}", {"name": "a", "type": "int"})).json()["id"]
                   for i in range(20)]
            srv.kill9()
            srv2 = RegistryServer(tmpdir=tmp, store=srv.store).start()
            c2 = Client(srv2.url)
            for i, sid in enumerate(ids):
                got = c2.get(f"/subjects/dur-{i}/versions/1").json()
                self.assertEqual(got["id"], sid)
            self.assertEqual(c2.register("dur-0", rec("R0", {"name": "a", "type": "int"})).json()["id"],
                             ids[0])
            srv2.stop()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_kill9_during_concurrent_registrations(self):
        # Many connections register at once (so registrations share group commits); the
        # server is killed mid-stream. Every answered registration must be there after a
        # restart, with the id and version it was answered with.
        tmp = tempfile.mkdtemp(prefix="sluice-registry-")
        try:
            srv = RegistryServer(tmpdir=tmp).start()
            acked, lock, stop = [], threading.Lock(), threading.Event()

            def worker(n):
                s = requests.Session()
                i = 0
                while not stop.is_set():
                    subject = f"k{n}"
                    schema = json.dumps(rec("K", {"name": f"f{i}", "type": "int", "default": 0}))
                    try:
                        r = s.post(f"{srv.url}/subjects/{subject}/versions",
                                   data=json.dumps({"schema": schema}),
                                   headers={"Content-Type": V1}, timeout=10)
                    except requests.RequestException:
                        return
                    if r.status_code == 200:
                        with lock:
                            acked.append((subject, schema, r.json()["id"]))
                    i += 1

            threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
            for t in threads:
                t.start()
            while True:
                with lock:
                    if len(acked) >= 300:
                        break
                time.sleep(0.01)
            srv.kill9()
            stop.set()
            for t in threads:
                t.join()
            srv2 = RegistryServer(tmpdir=tmp, store=srv.store).start()
            c2 = Client(srv2.url)
            for subject, schema, sid in acked:
                r = c2.post(f"/subjects/{subject}", {"schema": schema})
                self.assertEqual(r.status_code, 200, (subject, schema, r.text))
                self.assertEqual(r.json()["id"], sid)
            srv2.stop()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_sigterm_graceful(self):
        tmp = tempfile.mkdtemp(prefix="sluice-registry-")
        try:
            srv = RegistryServer(tmpdir=tmp).start()
            c = Client(srv.url)
            results, errors = [], []

            def worker(n):
                s = requests.Session()
                for i in range(200):
                    try:
                        r = s.post(f"{srv.url}/subjects/g{n}/versions",
                                   data=json.dumps({"schema": json.dumps(
                                       rec(f"G{n}x{i}", {"name": "a", "type": "int"}))}),
                                   headers={"Content-Type": V1}, timeout=10)
                        results.append(r.status_code)
                    except requests.RequestException as e:
                        errors.append(e)
                        return
            c.put("/config", {"compatibility": "NONE"})
            threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
            for t in threads:
                t.start()
            time.sleep(0.3)
            srv.proc.send_signal(signal.SIGTERM)
            rc = srv.proc.wait(timeout=15)
            for t in threads:
                t.join()
            self.assertEqual(rc, 0)
            self.assertTrue(all(s == 200 for s in results), set(results))
            # every acknowledged registration is there after a restart
            srv.proc.stdout.close()
            srv._stderr.close()
            srv2 = RegistryServer(tmpdir=tmp, store=srv.store).start()
            c2 = Client(srv2.url)
            total = sum(len(c2.get(f"/subjects/g{n}/versions").json()) for n in range(4)
                        if c2.get(f"/subjects/g{n}/versions").status_code == 200)
            self.assertGreaterEqual(total, len(results))
            srv2.stop()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_access_log(self):
        tmp = tempfile.mkdtemp(prefix="sluice-registry-")
        try:
            log = os.path.join(tmp, "access.log")
            with RegistryServer("--access-log", log, tmpdir=tmp) as srv:
                Client(srv.url).get("/subjects")
                Client(srv.url).get("/nowhere")
            lines = [json.loads(l) for l in open(log)]
            self.assertEqual([(l["route"], l["status"]) for l in lines],
                             [("/subjects", 200), ("unknown", 404)])
            self.assertIn("duration_ms", lines[0])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def hash_password(pw):
    out = subprocess.run([BINARY, "registry", "hash-password", "--password", pw],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


class TestSecurity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sluice-registry-sec-")
        users = {"users": [
            {"name": "admin", "password": hash_password("adminpw"),
             "acl": [{"prefix": "", "permissions": ["admin"]}]},
            {"name": "orders", "password": hash_password("orderspw"),
             "acl": [{"prefix": "orders-", "permissions": ["read", "write"]}]},
            {"name": "reader", "password": hash_password("readerpw"),
             "acl": [{"prefix": "", "permissions": ["read"]}]},
        ]}
        cls.users = os.path.join(cls.tmp, "users.json")
        with open(cls.users, "w") as f:
            json.dump(users, f)
        cls.cert = os.path.join(cls.tmp, "cert.pem")
        cls.key = os.path.join(cls.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", cls.key, "-out", cls.cert], check=True, capture_output=True)
        cls.server = RegistryServer("--users", cls.users, "--tls-cert", cls.cert,
                                    "--tls-key", cls.key, tmpdir=cls.tmp).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def client(self, user=None, pw=None):
        return Client(self.server.url, auth=(user, pw) if user else None, verify=self.cert)

    def test_tls_and_401(self):
        self.assertTrue(self.server.url.startswith("https://"))
        r = self.client().get("/subjects")
        self.assertEqual(r.status_code, 401)
        self.assertEqual(r.json(), {"error_code": 401, "message": "Unauthorized"})
        self.assertEqual(self.client("admin", "wrong").get("/subjects").status_code, 401)
        self.assertEqual(self.client("nobody", "x").get("/subjects").status_code, 401)
        self.assertEqual(self.client("admin", "adminpw").get("/subjects").status_code, 200)
        self.assertEqual(self.client().get("/health").status_code, 200)
        with self.assertRaises(requests.exceptions.SSLError):
            requests.get(self.server.url + "/", timeout=5)  # self-signed: untrusted by default

    def test_acls(self):
        admin = self.client("admin", "adminpw")
        orders = self.client("orders", "orderspw")
        reader = self.client("reader", "readerpw")
        self.assertEqual(orders.register("orders-value", '"string"').status_code, 200)
        r = orders.register("payments-value", '"string"')
        self.assertEqual(r.status_code, 403)
        self.assertEqual(r.json()["error_code"], 403)
        self.assertEqual(admin.register("payments-value", '"int"').status_code, 200)
        self.assertEqual(orders.get("/subjects").json(), ["orders-value"])
        self.assertEqual(orders.get("/subjects/payments-value/versions").status_code, 403)
        self.assertEqual(reader.get("/subjects/payments-value/versions").status_code, 200)
        self.assertEqual(reader.register("payments-value", '"int"').status_code, 403)
        self.assertEqual(orders.put("/config", {"compatibility": "NONE"}).status_code, 403)
        self.assertEqual(orders.put("/config/orders-value", {"compatibility": "NONE"}).status_code,
                         403)  # config needs admin
        self.assertEqual(admin.put("/config/orders-value", {"compatibility": "NONE"}).status_code,
                         200)
        self.assertEqual(orders.delete("/subjects/orders-value").status_code, 200)
        self.assertEqual(orders.delete("/subjects/orders-value", permanent="true").status_code, 403)
        self.assertEqual(admin.delete("/subjects/orders-value", permanent="true").status_code, 200)
        pid = admin.get("/subjects/payments-value/versions/1").json()["id"]
        self.assertEqual(orders.get(f"/schemas/ids/{pid}").status_code, 403)
        self.assertEqual(reader.get(f"/schemas/ids/{pid}").status_code, 200)


if __name__ == "__main__":
    unittest.main()
