"""Real Kafka clients against `sluice kafka mock` (librdkafka's mock cluster as its
own process) and our Producer/metadata code against real clients.

- kcat produces and consumes against the mock (the mock speaks Kafka to a tool
  that is not ours);
- python3-confluent-kafka consumes what our Producer (`sluice kafka produce`) wrote;
- our metadata/end-offset code (`sluice kafka topics`) counts what kcat wrote;
- `sluice kafka produce` to an unreachable cluster fails with a delivery error.

Run: SLUICE_BINARY=build/src/cli/sluice /usr/bin/python3 tests/kafka/kafka_peers.py
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kafka_common import MockKafka, consume_all, run, sluice_binary  # noqa: E402

BOOTSTRAP = None
CLUSTER = None


def setUpModule():
    global BOOTSTRAP, CLUSTER
    CLUSTER = MockKafka(["--topic", "three", "--partitions", "3"])
    BOOTSTRAP = CLUSTER.__enter__()


def tearDownModule():
    CLUSTER.__exit__(None, None, None)


def topics():
    out = run([sluice_binary(), "kafka", "topics", "--bootstrap", BOOTSTRAP]).stdout.decode()
    table = {}
    for line in out.splitlines():
        name, partitions, messages, ends = line.split("\t")
        table[name] = (int(partitions.split("=")[1]), int(messages.split("=")[1]),
                       [int(x) for x in ends.split("=")[1].split(",")])
    return table


class KcatTest(unittest.TestCase):
    def test_kcat_produces_and_consumes(self):
        lines = ["kcat line %d" % i for i in range(300)]
        run(["kcat", "-b", BOOTSTRAP, "-P", "-t", "kc"], input="\n".join(lines).encode())
        got = run(["kcat", "-b", BOOTSTRAP, "-C", "-t", "kc", "-e", "-q", "-f", "%s\n"])
        self.assertEqual(sorted(got.stdout.decode().splitlines()), sorted(lines))
        # Our metadata and watermark queries see what kcat wrote.
        partitions, messages, ends = topics()["kc"]
        self.assertEqual(partitions, 4)  # the mock's auto-created partition count
        self.assertEqual(messages, 300)
        self.assertEqual(sum(ends), 300)

    def test_precreated_topic_has_its_partitions(self):
        self.assertEqual(topics()["three"][0], 3)
        meta = run(["kcat", "-b", BOOTSTRAP, "-L", "-t", "three"]).stdout.decode()
        self.assertIn('topic "three" with 3 partitions', meta)


class OurProducerTest(unittest.TestCase):
    def test_confluent_kafka_reads_what_we_produced(self):
        lines = ["value-%05d" % i for i in range(2000)]
        run([sluice_binary(), "kafka", "produce", "kafka://%s/ours" % BOOTSTRAP, "--key", "k7"],
            input=("\n".join(lines) + "\n").encode())
        got = consume_all(BOOTSTRAP, "ours", "peers-ours")
        self.assertEqual(len(got), 2000)
        self.assertEqual([v.decode() for _, v, _, _ in sorted(got, key=lambda m: m[3])], lines)
        # One key, so one partition, in order; the key arrives as written.
        self.assertEqual({k for k, _, _, _ in got}, {b"k7"})
        self.assertEqual(len({p for _, _, p, _ in got}), 1)

    def test_kcat_reads_what_we_produced_into_a_precreated_topic(self):
        lines = ["t3-%d" % i for i in range(90)]
        run([sluice_binary(), "kafka", "produce", "kafka://%s/three" % BOOTSTRAP],
            input="\n".join(lines).encode())
        got = run(["kcat", "-b", BOOTSTRAP, "-C", "-t", "three", "-e", "-q", "-f", "%p %s\n"])
        rows = [line.split(" ", 1) for line in got.stdout.decode().splitlines()]
        self.assertEqual(sorted(v for _, v in rows), sorted(lines))
        # Keyless messages are spread over the partitions.
        self.assertGreater(len({p for p, _ in rows}), 1)

    def test_unreachable_cluster_is_a_clear_failure(self):
        proc = run([sluice_binary(), "kafka", "produce", "kafka://127.0.0.1:1/t",
                    "--delivery-timeout-ms", "2000"],
                   input=b"x\n", check=False, timeout=200)
        self.assertEqual(proc.returncode, 1)
        err = proc.stderr.decode()
        self.assertIn("sluice: error:", err)
        self.assertIn("delivery to t", err)
        self.assertIn("timed out", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
