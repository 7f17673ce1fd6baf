"""Processes for the Kafka tests: `sluice kafka mock`, `sluice registry serve`.

    with MockKafka() as bootstrap:          # "127.0.0.1:40123"
        ...

The binary comes from SLUICE_BINARY (set by ctest). Each helper kills its process on
exit, so a failed assertion never leaves a cluster running.
"""
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "registry",
                                "clients", "python"))

from sluice_server import SluiceServer  # noqa: E402


def sluice_binary():
    binary = os.environ.get("SLUICE_BINARY")
    if not binary:
        sys.exit("SLUICE_BINARY is not set (the path of the built `sluice`)")
    return binary


def stop(proc, timeout=15):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class MockKafka:
    """`sluice kafka mock` as its own process; yields its bootstrap servers."""

    def __init__(self, extra_args=None):
        self.args = [sluice_binary(), "kafka", "mock"] + list(extra_args or [])
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        match = re.match(r"bootstrap\.servers=(\S+)", line)
        if not match:
            self.proc.kill()
            raise RuntimeError("sluice kafka mock did not print bootstrap.servers: %r" % line)
        self.bootstrap = match.group(1)
        return self.bootstrap

    def __exit__(self, *exc):
        stop(self.proc)
        return False


# `sluice registry serve` on a free loopback port (memory store); yields its URL.
Registry = SluiceServer


def run(args, input=None, timeout=300, check=True):
    """Runs a command; on failure raises with its stderr."""
    proc = subprocess.run(args, input=input, capture_output=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError("%s exited %d: %s" % (" ".join(args), proc.returncode,
                                                   proc.stderr.decode(errors="replace")))
    return proc


def consume_all(bootstrap, topic, group, max_seconds=120):
    """Every message of `topic` with python3-confluent-kafka (a consumer group reading
    from the earliest offset until all partitions report their end). Returns a list of
    (key, value, partition, offset)."""
    from confluent_kafka import Consumer, KafkaError
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False,
                         "enable.partition.eof": True})
    out = []
    assigned = set()
    at_end = set()

    def on_assign(c, partitions):
        assigned.update(p.partition for p in partitions)

    consumer.subscribe([topic], on_assign=on_assign)
    deadline = time.monotonic() + max_seconds
    try:
        while time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                if assigned and assigned <= at_end:
                    break
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    at_end.add(msg.partition())
                    continue
                raise AssertionError("consumer error on %s: %s" % (topic, msg.error()))
            at_end.discard(msg.partition())
            out.append((msg.key(), msg.value(), msg.partition(), msg.offset()))
        else:
            raise AssertionError("%s: not at the end of every partition after %d s (%d read)"
                                 % (topic, max_seconds, len(out)))
    finally:
        consumer.close()
    return out
