"""Debian's python3-confluent-kafka (1.7.0) against `sluice registry serve`.

Covers every method of confluent_kafka.schema_registry.SchemaRegistryClient, the
legacy confluent_kafka.avro CachedSchemaRegistryClient and its MessageSerializer
(python3-avro), and framed messages crossing between python and our C++ serde
(`sluice registry encode/decode`).

Run: SLUICE_BINARY=build/src/cli/sluice /usr/bin/python3 test_confluent_kafka.py
"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sluice_server import SluiceServer, sluice_binary  # noqa: E402

from confluent_kafka.schema_registry import (  # noqa: E402
    Schema, SchemaRegistryClient, SchemaRegistryError)

URL = None
SERVER = None

MOVIE_V1 = json.dumps({
    "type": "record", "name": "Movie", "namespace": "ev",
    "fields": [{"name": "id", "type": "long"}, {"name": "title", "type": "string"}]})
MOVIE_V2 = json.dumps({
    "type": "record", "name": "Movie", "namespace": "ev",
    "fields": [{"name": "id", "type": "long"}, {"name": "title", "type": "string"},
               {"name": "year", "type": "int", "default": 1999}]})
MOVIE_BREAKING = json.dumps({
    "type": "record", "name": "Movie", "namespace": "ev",
    "fields": [{"name": "id", "type": "long"}, {"name": "rating", "type": "double"}]})


def setUpModule():
    global URL, SERVER
    SERVER = SluiceServer()
    URL = SERVER.__enter__()


def tearDownModule():
    SERVER.__exit__(None, None, None)


def avro(text):
    return Schema(text, "AVRO")


class SchemaRegistryClientTest(unittest.TestCase):
    def setUp(self):
        self.client = SchemaRegistryClient({"url": URL})

    def test_register_and_get_schema(self):
        sid = self.client.register_schema("reg-value", avro(MOVIE_V1))
        self.assertIsInstance(sid, int)
        # Idempotent, and the client's cache is not what answers the second time.
        fresh = SchemaRegistryClient({"url": URL})
        self.assertEqual(fresh.register_schema("reg-value", avro(MOVIE_V1)), sid)
        got = fresh.get_schema(sid)
        self.assertEqual(got.schema_type, "AVRO")
        self.assertEqual(json.loads(got.schema_str), json.loads(MOVIE_V1))
        # Same schema, other subject: same global id.
        self.assertEqual(fresh.register_schema("reg-other-value", avro(MOVIE_V1)), sid)

    def test_get_schema_unknown_id(self):
        with self.assertRaises(SchemaRegistryError) as ctx:
            self.client.get_schema(987654)
        self.assertEqual(ctx.exception.http_status_code, 404)
        self.assertEqual(ctx.exception.error_code, 40403)

    def test_lookup_schema(self):
        sid = self.client.register_schema("lookup-value", avro(MOVIE_V1))
        reg = self.client.lookup_schema("lookup-value", avro(MOVIE_V1))
        self.assertEqual(reg.schema_id, sid)
        self.assertEqual(reg.subject, "lookup-value")
        self.assertEqual(reg.version, 1)
        self.assertEqual(json.loads(reg.schema.schema_str), json.loads(MOVIE_V1))
        with self.assertRaises(SchemaRegistryError) as ctx:
            self.client.lookup_schema("lookup-value", avro(MOVIE_V2))
        self.assertEqual(ctx.exception.error_code, 40403)
        with self.assertRaises(SchemaRegistryError) as ctx:
            self.client.lookup_schema("lookup-missing", avro(MOVIE_V1))
        self.assertEqual(ctx.exception.error_code, 40401)

    def test_subjects_and_versions(self):
        self.client.register_schema("sv-value", avro(MOVIE_V1))
        self.client.register_schema("sv-value", avro(MOVIE_V2))
        self.assertIn("sv-value", self.client.get_subjects())
        self.assertEqual(self.client.get_versions("sv-value"), [1, 2])
        latest = self.client.get_latest_version("sv-value")
        self.assertEqual(latest.version, 2)
        self.assertEqual(latest.subject, "sv-value")
        self.assertEqual(json.loads(latest.schema.schema_str), json.loads(MOVIE_V2))
        first = self.client.get_version("sv-value", 1)
        self.assertEqual(first.version, 1)
        self.assertEqual(json.loads(first.schema.schema_str), json.loads(MOVIE_V1))
        self.assertNotEqual(first.schema_id, latest.schema_id)
        with self.assertRaises(SchemaRegistryError) as ctx:
            self.client.get_version("sv-value", 99)
        self.assertEqual(ctx.exception.error_code, 40402)
        with self.assertRaises(SchemaRegistryError) as ctx:
            self.client.get_versions("sv-missing")
        self.assertEqual(ctx.exception.error_code, 40401)

    def test_incompatible_registration(self):
        self.client.register_schema("incompat-value", avro(MOVIE_V1))
        with self.assertRaises(SchemaRegistryError) as ctx:
            self.client.register_schema("incompat-value", avro(MOVIE_BREAKING))
        self.assertEqual(ctx.exception.http_status_code, 409)
        self.assertIn("rating", ctx.exception.error_message)

    def test_invalid_schema(self):
        with self.assertRaises(SchemaRegistryError) as ctx:
            self.client.register_schema("invalid-value", avro('{"type":"record"}'))
        self.assertEqual(ctx.exception.http_status_code, 422)
        self.assertEqual(ctx.exception.error_code, 42201)

    def test_delete_version(self):
        self.client.register_schema("delv-value", avro(MOVIE_V1))
        sid2 = self.client.register_schema("delv-value", avro(MOVIE_V2))
        self.assertEqual(self.client.delete_version("delv-value", 2), 2)
        self.assertEqual(self.client.get_versions("delv-value"), [1])
        # The id stays readable after a soft delete.
        self.assertEqual(json.loads(self.client.get_schema(sid2).schema_str),
                         json.loads(MOVIE_V2))
        with self.assertRaises(SchemaRegistryError) as ctx:
            self.client.delete_version("delv-value", 2)
        self.assertEqual(ctx.exception.error_code, 40406)
        # Re-registering (a fresh client: the old one caches (subject, schema) -> id)
        # gives the same id under a new version number, never a reused one.
        fresh = SchemaRegistryClient({"url": URL})
        self.assertEqual(fresh.register_schema("delv-value", avro(MOVIE_V2)), sid2)
        self.assertEqual(fresh.get_versions("delv-value"), [1, 3])

    def test_delete_subject_soft_and_permanent(self):
        self.client.register_schema("dels-value", avro(MOVIE_V1))
        self.client.register_schema("dels-value", avro(MOVIE_V2))
        self.assertEqual(self.client.delete_subject("dels-value"), [1, 2])
        self.assertNotIn("dels-value", self.client.get_subjects())
        with self.assertRaises(SchemaRegistryError) as ctx:
            self.client.delete_subject("dels-value")
        self.assertEqual(ctx.exception.error_code, 40404)

        self.client.register_schema("delp-value", avro(MOVIE_V1))
        # permanent=True: the client soft-deletes, then hard-deletes.
        self.assertEqual(self.client.delete_subject("delp-value", permanent=True), [1])
        with self.assertRaises(SchemaRegistryError) as ctx:
            self.client.get_versions("delp-value")
        self.assertEqual(ctx.exception.error_code, 40401)
        # After a permanent delete versions restart at 1.
        self.client.register_schema("delp-value", avro(MOVIE_V2))
        self.assertEqual(self.client.get_versions("delp-value"), [1])

    def test_compatibility_levels(self):
        self.assertEqual(self.client.get_compatibility(), "BACKWARD")
        self.client.register_schema("cfg-value", avro(MOVIE_V1))
        with self.assertRaises(SchemaRegistryError) as ctx:
            self.client.get_compatibility("cfg-value")
        self.assertEqual(ctx.exception.error_code, 40408)
        self.assertEqual(self.client.set_compatibility("cfg-value", "full"),
                         {"compatibility": "FULL"})
        self.assertEqual(self.client.get_compatibility("cfg-value"), "FULL")
        with self.assertRaises(SchemaRegistryError) as ctx:
            self.client.set_compatibility("cfg-value", "SIDEWAYS")
        self.assertEqual(ctx.exception.error_code, 42203)
        # Under FULL, adding a field with a default is fine; without one it is not.
        self.assertTrue(self.client.test_compatibility("cfg-value", avro(MOVIE_V2)))
        no_default = json.loads(MOVIE_V2)
        del no_default["fields"][2]["default"]
        self.assertFalse(self.client.test_compatibility("cfg-value", avro(json.dumps(no_default))))
        self.assertEqual(self.client.set_compatibility(level="NONE"), {"compatibility": "NONE"})
        self.assertEqual(self.client.get_compatibility(), "NONE")
        self.assertEqual(self.client.set_compatibility(level="BACKWARD"),
                         {"compatibility": "BACKWARD"})

    def test_test_compatibility(self):
        self.client.register_schema("tc-value", avro(MOVIE_V1))
        self.assertTrue(self.client.test_compatibility("tc-value", avro(MOVIE_V2)))
        self.assertFalse(self.client.test_compatibility("tc-value", avro(MOVIE_BREAKING)))
        self.assertTrue(self.client.test_compatibility("tc-value", avro(MOVIE_V2), version=1))
        with self.assertRaises(SchemaRegistryError) as ctx:
            self.client.test_compatibility("tc-value", avro(MOVIE_V2), version=7)
        self.assertEqual(ctx.exception.error_code, 40402)
        # A subject with no versions: anything is compatible.
        self.assertTrue(self.client.test_compatibility("tc-new-value", avro(MOVIE_BREAKING)))

    def test_subject_names_needing_escapes(self):
        subject = "team/a b-value"
        sid = self.client.register_schema(subject, avro(MOVIE_V1))
        self.assertEqual(self.client.lookup_schema(subject, avro(MOVIE_V1)).schema_id, sid)
        self.assertIn(subject, self.client.get_subjects())
        self.assertEqual(self.client.get_versions(subject), [1])


class LegacyCachedClientTest(unittest.TestCase):
    """confluent_kafka.avro: CachedSchemaRegistryClient and MessageSerializer (python3-avro)."""

    def setUp(self):
        from confluent_kafka.avro import CachedSchemaRegistryClient
        self.client = CachedSchemaRegistryClient(URL)

    def test_register_get_and_versions(self):
        from avro.schema import parse
        s1 = parse(MOVIE_V1)
        s2 = parse(MOVIE_V2)
        sid = self.client.register("legacy-value", s1)
        self.assertEqual(self.client.check_registration("legacy-value", s1), sid)
        self.assertEqual(self.client.get_version("legacy-value", s1), 1)
        got = self.client.get_by_id(sid)
        self.assertEqual(got.fullname, "ev.Movie")
        self.assertTrue(self.client.test_compatibility("legacy-value", s2))
        self.assertFalse(self.client.test_compatibility("legacy-value", parse(MOVIE_BREAKING)))
        sid2 = self.client.register("legacy-value", s2)
        latest_id, latest, version = self.client.get_latest_schema("legacy-value")
        self.assertEqual((latest_id, version), (sid2, 2))
        self.assertEqual(latest.fullname, "ev.Movie")
        self.assertEqual(self.client.get_compatibility(), "BACKWARD")
        self.assertEqual(self.client.update_compatibility("FULL", "legacy-value"), "FULL")
        self.assertEqual(self.client.get_compatibility("legacy-value"), "FULL")
        self.assertEqual(self.client.delete_subject("legacy-value"), [1, 2])

    def test_incompatible_raises(self):
        from avro.schema import parse
        from confluent_kafka.avro.error import ClientError
        self.client.register("legacy-bad-value", parse(MOVIE_V1))
        with self.assertRaises(ClientError) as ctx:
            self.client.register("legacy-bad-value", parse(MOVIE_BREAKING))
        self.assertIn("Incompatible Avro schema:409", ctx.exception.message)

    def test_message_serializer_round_trip(self):
        from avro.schema import parse
        from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
        ser = MessageSerializer(self.client)
        msg = ser.encode_record_with_schema("legacy-serde", parse(MOVIE_V1),
                                            {"id": 5, "title": "Heat"})
        self.assertEqual(msg[0], 0)
        self.assertEqual(ser.decode_message(msg), {"id": 5, "title": "Heat"})


def sluice(*args, input_text=None):
    env = dict(os.environ, SLUICE_REGISTRY_URL=URL)
    out = subprocess.run([sluice_binary(), "registry", *args], input=input_text,
                         capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise AssertionError("sluice registry %s failed: %s" % (" ".join(args), out.stderr))
    return out.stdout


class CrossSerdeTest(unittest.TestCase):
    """Framed messages from python3-avro's serializer decoded by our C++ serde, and back."""

    def setUp(self):
        from confluent_kafka.avro import CachedSchemaRegistryClient
        from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
        self.ser = MessageSerializer(CachedSchemaRegistryClient(URL))

    def test_python_to_sluice_with_evolution(self):
        from avro.schema import parse
        msg = self.ser.encode_record_with_schema("cross-py", parse(MOVIE_V1),
                                                 {"id": 9, "title": "Ran"})
        out = sluice("decode", "--reader", MOVIE_V2, input_text=msg.hex() + "\n")
        self.assertEqual(json.loads(out), {"id": 9, "title": "Ran", "year": 1999})

    def test_sluice_to_python(self):
        out = sluice("encode", "--topic", "cross-cc", "--schema", MOVIE_V2,
                     input_text='{"id": 3, "title": "Alien", "year": 1979}\n')
        msg = bytes.fromhex(out.strip())
        self.assertEqual(msg[0], 0)
        self.assertEqual(self.ser.decode_message(msg), {"id": 3, "title": "Alien", "year": 1979})
        # And the CLI's own client calls agree with python's view.
        got = json.loads(sluice("get", "--subject", "cross-cc-value"))
        self.assertEqual(got["version"], 1)
        self.assertEqual(int.from_bytes(msg[1:5], "big"), got["id"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
