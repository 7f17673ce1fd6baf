"""The Kafka round trip of `sluice ingest`, checked by peers that are not ours.

Processes: `sluice kafka mock` (librdkafka's mock cluster), `sluice registry serve`,
`sluice movies simulate --to kafka://.../movielog`, `sluice ingest --from kafka://...
--to kafka://...`. The input lines are read back from the topic with kcat and
classified here with regular expressions; the per-type topics are read with
python3-confluent-kafka and every value is decoded with python3-avro using the schema
fetched from the registry by the id in its Confluent frame.

Cases:
- round trip: events per type in the topics == the report == the classified input;
  keys are the events' user ids; every value decodes;
- kill -9 and restart with the same consumer group: nothing is lost, and the
  duplicates are exactly the lines the killed run had output past its last commit
  (at most one uncommitted batch when commits follow every batch; see below);
- an incompatible schema already registered under a subject makes ingest fail with
  an error naming the subject and the registry's reason.

Run: SLUICE_BINARY=build/src/cli/sluice /usr/bin/python3 tests/ingest/kafka_roundtrip.py
"""
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kafka"))

from kafka_common import MockKafka, Registry, consume_all, run, sluice_binary, stop  # noqa: E402

import avro.io  # noqa: E402
import avro.schema  # noqa: E402

TYPES = ["MovieWatchEvent", "MovieRatingEvent", "RecommendationRequest"]
LINE_RE = {
    "MovieWatchEvent": re.compile(r"^[^,]+,\d+,GET /data/m/[^/]+/\d+\.mpg$"),
    "MovieRatingEvent": re.compile(r"^[^,]+,\d+,GET /rate/[^=]+=[1-5]$"),
    "RecommendationRequest": re.compile(r"^[^,]+,\d+,recommendation request [^,]+, status "),
}

BOOTSTRAP = None
REGISTRY = None
_CONTEXTS = []


def setUpModule():
    global BOOTSTRAP, REGISTRY
    kafka = MockKafka()
    BOOTSTRAP = kafka.__enter__()
    _CONTEXTS.append(kafka)
    registry = Registry()
    REGISTRY = registry.__enter__()
    _CONTEXTS.append(registry)


def tearDownModule():
    for c in reversed(_CONTEXTS):
        c.__exit__(None, None, None)


def help_text(*command):
    return run([sluice_binary()] + list(command) + ["--help"]).stdout.decode()


def simulate(topic, lines, seed):
    run(simulate_args(topic, lines, seed))


def simulate_args(topic, lines, seed):
    args = [sluice_binary(), "movies", "simulate", "--lines", str(lines), "--seed", str(seed),
            "--to", "kafka://%s/%s" % (BOOTSTRAP, topic)]
    # Clean lines only, so the classification here is exact (corruption is tested by
    # the ingest tests on files).
    for option in ("--corruption-rate", "--corruption"):
        if option in help_text("movies", "simulate"):
            args += [option, "0"]
            break
    return args


def input_lines(topic):
    """The lines in `topic`, read back with kcat (not our consumer)."""
    out = run(["kcat", "-b", BOOTSTRAP, "-C", "-t", topic, "-e", "-q", "-f", "%s\n"])
    return out.stdout.decode().splitlines()


def classify(lines):
    counts = {t: 0 for t in TYPES}
    distinct = {t: set() for t in TYPES}
    for line in lines:
        kinds = [t for t in TYPES if LINE_RE[t].match(line)]
        assert len(kinds) == 1, "line matches %s: %r" % (kinds, line)
        counts[kinds[0]] += 1
        distinct[kinds[0]].add(line)
    return counts, distinct


_SCHEMAS = {}


def schema_of(schema_id):
    if schema_id not in _SCHEMAS:
        with urllib.request.urlopen("%s/schemas/ids/%d" % (REGISTRY, schema_id)) as r:
            _SCHEMAS[schema_id] = avro.schema.parse(json.loads(r.read())["schema"])
    return _SCHEMAS[schema_id]


def decode(value):
    assert value[0] == 0, "value does not start with the Confluent magic byte: %r" % value[:5]
    schema_id = int.from_bytes(value[1:5], "big")
    schema = schema_of(schema_id)
    decoder = avro.io.BinaryDecoder(io.BytesIO(value[5:]))
    datum = avro.io.DatumReader(schema).read(decoder)
    return schema, datum


def read_outputs(prefix, group):
    """{type: [datum]} from the per-type topics; checks keys and record names."""
    out = {}
    for t in TYPES + ["quarantine"]:
        messages = consume_all(BOOTSTRAP, prefix + t, group + "-" + t)
        datums = []
        for key, value, _, _ in messages:
            schema, datum = decode(value)
            if t != "quarantine":
                assert schema.name == t, "topic %s holds %s" % (prefix + t, schema.name)
                assert key == str(datum["userId"]).encode(), (key, datum["userId"])
            datums.append(datum)
        out[t] = datums
    return out


def topic_totals():
    out = run([sluice_binary(), "kafka", "topics", "--bootstrap", BOOTSTRAP]).stdout.decode()
    totals = {}
    for line in out.splitlines():
        fields = line.split("\t")
        totals[fields[0]] = int(fields[2].split("=")[1])
    return totals


def committed_total(group, topic):
    """Sum of the group's committed offsets on `topic` (python3-confluent-kafka)."""
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": group,
                  "enable.auto.commit": False})
    try:
        meta = c.list_topics(topic, timeout=10)
        parts = [TopicPartition(topic, p) for p in meta.topics[topic].partitions]
        return sum(max(tp.offset, 0) for tp in c.committed(parts, timeout=10))
    finally:
        c.close()


def ingest_args(source_topic, group, prefix, report, extra=()):
    return [sluice_binary(), "ingest", "--from", "kafka://%s/%s" % (BOOTSTRAP, source_topic),
            "--to", "kafka://%s" % BOOTSTRAP, "--registry", REGISTRY, "--group", group,
            "--topic-prefix", prefix, "--report", report, "--quiet"] + list(extra)


class KafkaRoundTrip(unittest.TestCase):
    def test_round_trip_counts_and_decodes(self):
        simulate("movielog", 20000, 7)
        lines = input_lines("movielog")
        self.assertEqual(len(lines), 20000)
        expected, _ = classify(lines)
        for t in TYPES:
            self.assertGreater(expected[t], 0, t)

        with tempfile.TemporaryDirectory() as tmp:
            report_path = os.path.join(tmp, "r.json")
            run(ingest_args("movielog", "rt", "rt.", report_path, ["--idle-exit-ms", "2000"]))
            with open(report_path) as f:
                report = json.load(f)
        outputs = read_outputs("rt.", "rt-check")
        got = {t: len(outputs[t]) for t in TYPES}
        self.assertEqual(got, expected)
        self.assertEqual(len(outputs["quarantine"]), 0)
        self.assertEqual(report["lines_in"], 20000)
        self.assertEqual({t: report["events_out"].get(t, 0) for t in TYPES}, expected)
        self.assertEqual(report["quarantined_total"], 0)
        # Spot-check content: every rating is 1-5 and every watch minute is >= 0.
        self.assertTrue(all(1 <= d["rating"] <= 5 for d in outputs["MovieRatingEvent"]))
        self.assertTrue(all(d["minute"] >= 0 for d in outputs["MovieWatchEvent"]))
        # The group committed everything: a second run reads nothing new.
        with tempfile.TemporaryDirectory() as tmp:
            report_path = os.path.join(tmp, "r2.json")
            run(ingest_args("movielog", "rt", "rt.", report_path, ["--idle-exit-ms", "1500"]))
            with open(report_path) as f:
                self.assertEqual(json.load(f)["lines_in"], 0)
        self.assertEqual(committed_total("rt", "movielog"), 20000)

    def test_kill_and_restart_loses_nothing(self):
        # The input arrives in chunks so the kill lands at a known stage: after the
        # first half is committed, while a chunk is being produced and read, and
        # before the rest exists. Where exactly in that chunk does not matter: the
        # checks below hold for any kill point.
        chunk, chunks = 6000, 10
        topic = "movielog-kill"
        for i in range(chunks // 2):
            simulate(topic, chunk, 100 + i)

        ingest_help = help_text("ingest")
        batch = 200
        extra = []
        commit_every_batch = False
        if "--batch-lines" in ingest_help:
            extra += ["--batch-lines", str(batch)]
            if "--commit-interval-ms" in ingest_help:
                extra += ["--commit-interval-ms", "0"]
                commit_every_batch = True

        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "first.err"), "wb") as first_err:
                first = subprocess.Popen(
                    ingest_args(topic, "kill", "k.", os.path.join(tmp, "a.json"), extra),
                    stdout=subprocess.DEVNULL, stderr=first_err)
                try:
                    deadline = time.monotonic() + 300
                    half = chunk * (chunks // 2)
                    while time.monotonic() < deadline and first.poll() is None:
                        if committed_total("kill", topic) >= half:
                            break
                        time.sleep(0.2)
                    self.assertIsNone(first.poll(), "the first run ended on its own")
                    self.assertGreaterEqual(committed_total("kill", topic), half)
                    # Kill as soon as the killed run has output part of the next chunk
                    # (its offsets are then most likely not committed yet).
                    feeding = subprocess.Popen(simulate_args(topic, chunk, 100 + chunks // 2),
                                               stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL)
                    while time.monotonic() < deadline and first.poll() is None:
                        if sum(n for name, n in topic_totals().items()
                               if name.startswith("k.")) > half:
                            break
                    first.send_signal(signal.SIGKILL)
                    first.wait()
                    self.assertEqual(feeding.wait(), 0)
                finally:
                    stop(first)
            time.sleep(1)  # let requests already on the wire land
            committed = committed_total("kill", topic)
            out_first = sum(n for name, n in topic_totals().items() if name.startswith("k."))
            for i in range(chunks // 2 + 1, chunks):
                simulate(topic, chunk, 100 + i)

            run(ingest_args(topic, "kill", "k.", os.path.join(tmp, "b.json"),
                            extra + ["--idle-exit-ms", "2000"]), timeout=600)
            with open(os.path.join(tmp, "b.json")) as f:
                second = json.load(f)

        total_lines = chunk * chunks
        lines = input_lines(topic)
        self.assertEqual(len(lines), total_lines)
        expected, distinct = classify(lines)
        outputs = read_outputs("k.", "kill-check")
        self.assertEqual(len(outputs["quarantine"]), 0)
        total_out = sum(len(outputs[t]) for t in TYPES)
        duplicates = total_out - total_lines
        # Nothing lost: every distinct input line is among the events of its type.
        for t in TYPES:
            seen = {json.dumps(d, sort_keys=True, default=str) for d in outputs[t]}
            self.assertEqual(len(seen), len(distinct[t]), t)
            self.assertGreaterEqual(len(outputs[t]), expected[t], t)
        # The second run started at the committed offsets...
        self.assertEqual(second["lines_in"], total_lines - committed)
        # ...so the duplicates are exactly what the killed run output past its last
        # commit (the pipeline commits only what the sink made durable first).
        self.assertEqual(duplicates, out_first - committed)
        # Bound: with commits after every durable batch (--commit-interval-ms 0) at most
        # one batch was output but not committed. With the default interval the bound
        # is the lines read in one interval (plus the batch in flight).
        if commit_every_batch:
            self.assertLessEqual(duplicates, batch)
        print("kill/restart: %d lines, %d committed at the kill, %d output by the killed run, "
              "%d duplicates%s" % (total_lines, committed, out_first, duplicates,
                                   " (bound %d)" % batch if commit_every_batch else
                                   " (default commit interval: bound not asserted)"))

    def test_incompatible_schema_is_a_clear_error(self):
        # A subject that already holds an unrelated record under BACKWARD compatibility.
        subject = "bad.MovieWatchEvent-value"
        body = json.dumps({"schema": json.dumps({
            "type": "record", "name": "MovieWatchEvent",
            "fields": [{"name": "other", "type": "string"}]})}).encode()
        req = urllib.request.Request("%s/subjects/%s/versions" % (REGISTRY, subject), data=body,
                                     headers={"Content-Type":
                                              "application/vnd.schemaregistry.v1+json"})
        urllib.request.urlopen(req).read()
        simulate("movielog-bad", 100, 3)
        with tempfile.TemporaryDirectory() as tmp:
            proc = run(ingest_args("movielog-bad", "bad", "bad.", os.path.join(tmp, "r.json"),
                                   ["--idle-exit-ms", "1000"]), check=False)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        err = proc.stderr.decode()
        self.assertIn(subject, err)
        self.assertIn("incompatible", err.lower())


if __name__ == "__main__":
    unittest.main(verbosity=2)
