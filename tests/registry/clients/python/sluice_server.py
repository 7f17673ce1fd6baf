"""Starts `sluice registry serve` on a free loopback port for client tests.

    with SluiceServer(binary) as url:      # "http://127.0.0.1:41234"
        client = SchemaRegistryClient({"url": url})

The binary comes from the SLUICE_BINARY environment variable (set by ctest) unless
given. Extra serve flags can be passed (e.g. ["--store", "sqlite:/tmp/x.db"]).
"""
import os
import re
import signal
import subprocess
import sys


def sluice_binary():
    binary = os.environ.get("SLUICE_BINARY")
    if not binary:
        sys.exit("SLUICE_BINARY is not set (the path of the built `sluice`)")
    return binary


class SluiceServer:
    def __init__(self, binary=None, extra_args=None):
        self.binary = binary or sluice_binary()
        self.args = [self.binary, "registry", "serve", "--listen", "127.0.0.1:0"]
        extra = list(extra_args or [])
        if "--store" not in extra:
            extra += ["--store", "sqlite::memory:"]
        self.args += extra
        self.proc = None
        self.url = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"(https?://[0-9.:]+)", line)
        if not match:
            self.proc.kill()
            raise RuntimeError("sluice registry serve did not print its address: %r" % line)
        self.url = match.group(1)
        return self.url

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        return False
